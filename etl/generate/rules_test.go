package generate

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/precedent-dev/precedent/etl/contract"
)

// rulesLake is one CSV company, generated and loaded once, that the rule
// tests share read-only.
var rulesLake struct {
	once sync.Once
	db   *sql.DB
	err  error
}

func openRulesLake(t *testing.T) *lake {
	t.Helper()
	rulesLake.once.Do(func() {
		dir, err := tempDirForPackage()
		if err != nil {
			rulesLake.err = err
			return
		}
		opts := Options{Out: dir, Scale: 0.3, Seed: 11, AsOf: testAsOf, Format: "csv", Effects: DefaultEffects(), FiscalYearStartMonth: 2}
		if _, err := Generate(context.Background(), opts); err != nil {
			rulesLake.err = err
			return
		}
		rulesLake.db, rulesLake.err = loadLake(dir, "csv")
	})
	if rulesLake.err != nil {
		t.Fatal(rulesLake.err)
	}
	return &lake{tb: t, db: rulesLake.db}
}

// zero fails the test unless the query counts no rows.
func (l *lake) zero(t *testing.T, what, query string) {
	t.Helper()
	if n := l.float(query); n != 0 {
		t.Errorf("%s: %v rows\n%s", what, n, query)
	}
}

// TestContractRules checks every rule of the data contract on a generated
// CSV company: required values, enums, minimums, cross-column checks,
// unique keys and foreign keys.
func TestContractRules(t *testing.T) {
	l := openRulesLake(t)
	for _, e := range contract.Entities {
		t.Run(e.Name, func(t *testing.T) {
			if n := l.float("select count(*) from " + e.Name); n == 0 {
				t.Fatalf("%s is empty", e.Name)
			}
			keys := strings.Join(e.Key, ", ")
			l.zero(t, "duplicate key", fmt.Sprintf("select count(*) from (select %s from %s group by all having count(*) > 1)", keys, e.Name))
			for _, c := range e.Columns {
				col := e.Name + "." + c.Name
				if c.Required {
					l.zero(t, col+" required", fmt.Sprintf("select count(*) from %s where %s is null", e.Name, c.Name))
				}
				if c.Type == contract.Enum {
					l.zero(t, col+" enum", fmt.Sprintf("select count(*) from %s where %s not in ('%s')", e.Name, c.Name, strings.Join(c.Values, "','")))
				}
				if c.Type == contract.Currency && e.Name != contract.FXRates {
					l.zero(t, col+" currency", fmt.Sprintf("select count(*) from %s where %s is distinct from 'USD'", e.Name, c.Name))
				}
				if c.Min != "" {
					l.zero(t, col+" min", fmt.Sprintf("select count(*) from %s where not (%s %s)", e.Name, c.Name, c.Min))
				}
				if c.Ref != "" {
					target, tcol, _ := strings.Cut(c.Ref, ".")
					l.zero(t, col+" references "+c.Ref, fmt.Sprintf(
						"select count(*) from %s x where x.%s is not null and x.%s not in (select %s from %s)",
						e.Name, c.Name, c.Name, tcol, target))
				}
			}
			for _, ch := range e.Checks {
				l.zero(t, e.Name+": "+ch.Message, fmt.Sprintf("select count(*) from %s where %s", e.Name, ch.Fails))
			}
		})
	}
}

// TestNothingAfterAsOf checks no event is dated after as-of. Terms that
// naturally lie ahead (end_date, due_date, period_end) are not events.
func TestNothingAfterAsOf(t *testing.T) {
	l := openRulesLake(t)
	asOf := testAsOf.Format("2006-01-02")
	for _, col := range []string{
		"accounts.created_date", "deals.created_date", "deals.close_date", "deals.approved_at",
		"contracts.start_date", "contracts.signed_date", "invoices.issued_date", "invoices.paid_date",
		"invoices.period_start", "credit_notes.issued_date", "tickets.created_at", "tickets.resolved_at",
		"tickets.escalated_at",
	} {
		entity, name, _ := strings.Cut(col, ".")
		l.zero(t, col+" after as-of", fmt.Sprintf("select count(*) from %s where %s > timestamptz '%s 00:00:00+00'", entity, name, asOf))
	}
}

// TestConsistency checks the relations between columns the contract does
// not spell out but the company must keep.
func TestConsistency(t *testing.T) {
	l := openRulesLake(t)
	for _, tc := range []struct{ name, query string }{
		{"list_amount is the sum of its lines", `select count(*) from deals d join (
			select deal_id, round(sum(quantity * list_unit_price), 2) as list, round(sum(quantity * net_unit_price), 2) as net
			from deal_lines group by 1) l using (deal_id) where d.list_amount <> l.list or d.net_amount <> l.net`},
		{"every deal has lines", `select count(*) from deals where deal_id not in (select deal_id from deal_lines)`},
		{"arr is net_amount * 12 / term", `select count(*) from contracts c join deals d using (deal_id)
			where abs(c.arr - d.net_amount * 12 / d.term_months) > 0.01`},
		{"invoice lines sum to the invoice", `select count(*) from invoices i join (
			select invoice_id, sum(amount) as amount, count(*) as n from invoice_lines group by 1) l using (invoice_id)
			where i.amount <> l.amount or l.n not between 1 and 3`},
		{"every invoice has lines", `select count(*) from invoices where invoice_id not in (select invoice_id from invoice_lines)`},
		{"approved_at exactly when approval is needed", `select count(*) from deals where (approval_level = 'none') <> (approved_at is null)`},
		{"open deals have no close date", `select count(*) from deals where (stage = 'open') <> (close_date is null)`},
		{"deals close after they are created", `select count(*) from deals where close_date < created_date`},
		{"a precedent closed before the deal citing it", `select count(*) from deals d join deals p on d.precedent_deal_id = p.deal_id
			where p.stage <> 'won' or p.close_date > d.close_date or d.stage <> 'won'`},
		{"only discounted deals carry a reason", `select count(*) from deals where discount_reason is not null
			and 1 - net_amount / list_amount < 0.05 and precedent_deal_id is null`},
		{"contracts come from won new or renewal deals", `select count(*) from contracts c join deals d using (deal_id)
			where d.stage <> 'won' or d.deal_type = 'expansion' or d.account_id <> c.account_id`},
		{"signed by the start", `select count(*) from contracts where signed_date > start_date`},
		{"escalated_at exactly for escalated tickets", `select count(*) from tickets where is_escalated <> (escalated_at is not null)`},
		{"escalated after created", `select count(*) from tickets where escalated_at < created_at`},
		{"resolved after escalated", `select count(*) from tickets where resolved_at < escalated_at`},
		{"paid exactly when status is paid", `select count(*) from invoices where (status = 'paid') <> (paid_date is not null)`},
		{"paid on or after issue", `select count(*) from invoices where paid_date < issued_date`},
		{"dispute reason exactly for disputed invoices", `select count(*) from invoices where is_disputed <> (dispute_reason is not null)`},
		{"credit notes on disputed invoices, partial, after issue", `select count(*) from credit_notes c join invoices i using (invoice_id)
			where not i.is_disputed or c.amount > i.amount or c.issued_date < i.issued_date`},
		{"invoices within their contract", `select count(*) from invoices i join contracts c using (contract_id)
			where i.period_start < c.start_date or i.period_end > c.end_date or i.account_id <> c.account_id`},
		{"tickets within their contract", `select count(*) from tickets t join contracts c using (contract_id)
			where t.created_at::date < c.start_date or t.created_at::date > c.end_date or t.account_id <> c.account_id`},
		{"tickets only for customers", `select count(*) from tickets where account_id not in (select account_id from contracts)`},
		{"account names are unique", `select count(*) - count(distinct account_name) from accounts`},
		{"deal IDs follow creation", `select count(*) from (select created_date, lag(created_date) over (order by deal_id) as prev from deals) where created_date < prev`},
		{"ids are readable", `select count(*) from deals where not regexp_full_match(deal_id, 'DEAL-[0-9]{7}')
			or not regexp_full_match(account_id, 'ACC-[0-9]{6}') or not regexp_full_match(rep_id, 'REP-[0-9]{4}')`},
		{"managers are reps of their own team", `select count(*) from reps r join reps m on r.manager_id = m.rep_id
			where m.team <> r.team or m.manager_id is not null`},
		{"billing configs are the account's own or a template", `select count(*) from invoices
			where billing_config_id <> 'BC-' || account_id and not regexp_full_match(billing_config_id, 'BC-TPL-[0-9]{3}')`},
	} {
		t.Run(tc.name, func(t *testing.T) { l.zero(t, tc.name, tc.query) })
	}
}

// TestRenewalChains checks that renewals chain through renews_contract_id:
// each renewal contract starts the day after the one it renews, for the same
// account, from a won renewal deal; chains span the years; churned accounts
// stop producing invoices and tickets; and contracts ending soon mostly have
// open renewal deals.
func TestRenewalChains(t *testing.T) {
	l := openRulesLake(t)
	l.zero(t, "renewal starts the day after the prior end", `select count(*) from contracts c join contracts p on c.renews_contract_id = p.contract_id
		where c.start_date <> p.end_date + 1 or c.account_id <> p.account_id`)
	l.zero(t, "renewal contracts come from renewal deals", `select count(*) from contracts c join deals d using (deal_id)
		where (c.renews_contract_id is null) <> (d.deal_type = 'new')`)
	l.zero(t, "a contract is renewed at most once", `select count(*) from (select renews_contract_id from contracts
		where renews_contract_id is not null group by 1 having count(*) > 1)`)
	depth := l.float(`with recursive chain(contract_id, depth) as (
			select contract_id, 1 from contracts where renews_contract_id is null
			union all
			select c.contract_id, chain.depth + 1 from contracts c join chain on c.renews_contract_id = chain.contract_id)
		select max(depth) from chain`)
	if depth < 4 {
		t.Errorf("longest renewal chain has %v contracts, want at least 4 over five years", depth)
	}
	l.zero(t, "nothing billed after the last contract ends", `select count(*) from invoices i
		where i.period_start > (select max(end_date) from contracts c where c.account_id = i.account_id)`)
	l.zero(t, "no tickets after the last contract ends", `select count(*) from tickets t
		where t.created_at::date > (select max(end_date) from contracts c where c.account_id = t.account_id)`)
	asOf := testAsOf.Format("2006-01-02")
	l.zero(t, "every decided renewal either renews or was lost", fmt.Sprintf(`select count(*) from contracts c
		where c.end_date < date '%s'
		and exists (select 1 from contracts n where n.renews_contract_id = c.contract_id) = exists (
			select 1 from deals d where d.account_id = c.account_id and d.deal_type = 'renewal' and d.stage = 'lost'
			and d.close_date between c.end_date - 200 and c.end_date)`, asOf))
	share := l.float(fmt.Sprintf(`select avg((exists (select 1 from deals d where d.account_id = c.account_id
			and d.deal_type = 'renewal' and d.stage = 'open'))::int)
		from contracts c where c.end_date between date '%s' and date '%s' + 180`, asOf, asOf))
	if share < 0.6 {
		t.Errorf("%.2f of contracts ending within 180 days of as-of have an open renewal deal, want most", share)
	}
}

// TestScopeLanguage checks the vague lexicon: every vague sentence holds a
// phrase of it, no clear sentence or catalog name does, and generated scope
// text has no phrase outside its vague sentences.
func TestScopeLanguage(t *testing.T) {
	find := func(s string) string {
		low := strings.ToLower(s)
		for _, p := range VaguePhrases {
			if strings.Contains(low, p) {
				return p
			}
		}
		return ""
	}
	for _, s := range vagueSentences {
		if find(s) == "" {
			t.Errorf("vague sentence has no vague phrase: %q", s)
		}
	}
	clear := append([]string{}, clearSentences...)
	for _, p := range catalog {
		clear = append(clear, p.name)
	}
	for _, s := range clear {
		if p := find(s); p != "" {
			t.Errorf("clear sentence %q contains %q", s, p)
		}
	}
	l := openRulesLake(t)
	for _, r := range l.rows("select contract_id, scope_text from contracts") {
		text := r[1]
		for _, s := range vagueSentences {
			text = strings.ReplaceAll(text, s, "")
		}
		if p := find(text); p != "" {
			t.Errorf("%s: %q outside the vague sentences: %s", r[0], p, r[1])
		}
	}
}
