package queries_test

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/generate"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestIncrementalModels loads a company, then the same files with 2% new
// tickets in a new file, then a new as-of date alone, then more tickets
// with another as-of date, then a new discount policy, then an analyst's
// model added and its SQL changed. Each later run copies the models nothing they
// read changed in, updates in place the tickets' models whose other inputs
// did not change, and computes the rest; each must give exactly the tables
// a load of the same files from nothing gives, every model row for row,
// and keep, update or compute the models their inputs say.
func TestIncrementalModels(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a company four times")
	}
	ctx := context.Background()
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	src := filepath.Join(t.TempDir(), "src")
	if _, err := generate.Generate(ctx, generate.Options{Out: src, Scale: 0.05, Seed: 9, AsOf: asOf, Effects: generate.DefaultEffects()}); err != nil {
		t.Fatal(err)
	}
	// Two deals closed one and two days after the as-of date: they enter
	// the enriched deals when a later as-of date reaches them, and leave
	// when an earlier one comes back.
	b, err := os.ReadFile(filepath.Join(src, "deals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	deals := strings.Split(strings.TrimSpace(string(b)), "\n")
	for day := 1; day <= 2; day++ {
		f := strings.Split(deals[day], ",")
		f[0], f[4], f[6] = fmt.Sprintf("LATER%d-%s", day, f[0]), "won", asOf.AddDate(0, 0, day).Format(time.DateOnly)
		deals = append(deals, strings.Join(f, ","))
	}
	fixture.WriteFile(t, filepath.Join(src, "deals.csv"), strings.Join(deals, "\n")+"\n")
	data := wh.Dir(t.TempDir())
	userDir := t.TempDir()
	// An analyst's model updated in place by account straight from the
	// entity: the account a changed ticket left is known only from the
	// ticket's earlier version. Its rows come from two tables by account:
	// the tickets, which change, and the deals, which a ticket delta leaves
	// as they were (kept).
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_accounts.sql"), "-- key: account_id\n-- incremental: {key: account_id, from: [tickets, stg_deals]}\n"+
		"select t.account_id, count(*) as tickets, max(priority) as top_priority, any_value(d.deals) as deals from tickets t\n"+
		"left join (select account_id, count(*) as deals from stg_deals group by account_id) d on d.account_id = t.account_id group by t.account_id\n")
	// And one by contract, which a ticket may have none of: the rows of no
	// contract are one key of the update too, NULL, which IN never matches.
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_contracts.sql"), "-- incremental: {key: contract_id, from: tickets}\n"+
		"select contract_id, count(*) as tickets, max(priority) as top_priority from tickets where precedent_changed(contract_id) group by contract_id\n")
	// And one whose key is not a column of its rows: its update fails, and
	// it is computed in full instead.
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_totals.sql"), "-- incremental: {key: no_such_column, from: tickets}\nselect count(*) as tickets from tickets\n")
	// And one whose update fails (it refuses to be computed from some
	// tickets only): computed in full instead, with precedent_changed true
	// for every account again.
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_refusal.sql"), `-- incremental: {key: account_id, from: tickets}
select account_id, count(*) as tickets
from tickets
where precedent_changed(account_id)
group by account_id
having case when (select count(*) from tickets where precedent_changed(account_id)) = (select count(*) from tickets) then true else error('computed from some tickets only') end
`)
	// Three declaring as_of otherwise than the built-in models do: on a
	// timestamp compared by its date, on a date compared strictly (the
	// tickets before the as-of date), and on an entity's timestamp, which
	// an as-of-only run leaves as it was.
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_days.sql"), "-- key: ticket_id\n-- incremental: {key: ticket_id, from: stg_tickets, as_of: created_at}\n"+
		"select t.ticket_id, t.created_at from stg_tickets t, precedent_settings s where t.created_at::date <= s.as_of and precedent_changed(t.ticket_id)\n")
	fixture.WriteFile(t, filepath.Join(userDir, "ticket_before.sql"), "-- key: ticket_id\n-- incremental: {key: ticket_id, from: stg_tickets, as_of: ticket_date}\n"+
		"select t.ticket_id from stg_tickets t, precedent_settings s where t.ticket_date < s.as_of and precedent_changed(t.ticket_id)\n")
	fixture.WriteFile(t, filepath.Join(userDir, "entity_days.sql"), "-- key: ticket_id\n-- incremental: {key: ticket_id, from: tickets, as_of: created_at}\n"+
		"select t.ticket_id from tickets t, precedent_settings s where t.created_at <= s.as_of and precedent_changed(t.ticket_id)\n")
	asOfModels := []string{"ticket_days", "ticket_before", "entity_days"}
	load := func(data wh.Dir, asOf time.Time, policy map[string]float64, fresh bool) *queries.Report {
		t.Helper()
		m := company.ModelsAsOf(asOf)
		m.UserDir = userDir
		if policy != nil {
			m.Settings.PolicyMax = policy
		}
		if _, err := company.Load(ctx, src, data, m); err != nil {
			t.Fatal(err)
		}
		if fresh {
			for _, r := range m.Report.Models {
				if r.Kept {
					t.Fatalf("a load from nothing kept %s", r.Name)
				}
			}
		}
		return m.Report
	}
	load(data, asOf, nil, true)

	// 2% new tickets, in a new file beside the loaded one (columns as
	// tickets.csv has them: ticket_id, account_id, contract_id, created_at,
	// resolved_at, category, priority, ...).
	b, err = os.ReadFile(filepath.Join(src, "tickets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if err := os.Mkdir(filepath.Join(src, "tickets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "tickets.csv"), filepath.Join(src, "tickets", "a.csv")); err != nil {
		t.Fatal(err)
	}
	added := []string{lines[0]}
	for _, l := range lines[1 : 1+len(lines)/50] {
		added = append(added, "NEW-"+l)
	}
	// And five tickets changed: their contract dropped (so attributed by
	// date) and their priority raised. The first, an escalation in the
	// last 150 days of an account with no new ticket, moves to another
	// account: the renewal risk of the account it leaves changes too,
	// though no new row names it.
	newAccounts := map[string]bool{}
	for _, l := range added[1:] {
		newAccounts[strings.Split(l, ",")[1]] = true
	}
	// The account it moves to has no new ticket and a contract in force
	// lately (one of its recent tickets names it): the moved ticket is
	// attributed to that contract by date, which no version of the
	// ticket names.
	recent, end := asOf.AddDate(0, 0, -150).Format(time.RFC3339), asOf.Format(time.RFC3339)
	other := ""
	for _, l := range lines[len(lines)/2:] {
		if f := strings.Split(l, ","); len(f) == 11 && f[2] != "" && f[3] >= recent && !newAccounts[f[1]] {
			other = f[1]
			break
		}
	}
	if other == "" {
		t.Fatal("no account without new tickets has a recent ticket on a contract")
	}
	changed, left := 0, ""
	for i := len(lines) - 1; i > 0 && changed < 5; i-- {
		l := lines[i]
		f := strings.Split(l, ",")
		if strings.Contains(l, `"`) || len(f) != 11 || f[2] == "" || newAccounts[f[1]] || f[1] == left {
			continue
		}
		if changed == 0 && (f[7] != "true" || f[8] < recent || f[8] > end) {
			continue
		}
		f[2], f[6] = "", "urgent"
		if changed == 0 {
			left, f[1] = f[1], other
		}
		added = append(added, strings.Join(f, ","))
		changed++
	}
	if left == "" {
		t.Fatal("no escalation in the 150 days before the as-of date to move")
	}
	// And a ticket of an account with no contract: its renewal risk has no
	// row to change, so only the tickets say its summary changed.
	b, err = os.ReadFile(filepath.Join(src, "contracts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	contracts := string(b)
	b, err = os.ReadFile(filepath.Join(src, "accounts.csv"))
	if err != nil {
		t.Fatal(err)
	}
	prospect := ""
	for _, l := range strings.Split(string(b), "\n")[1:] {
		if a, _, _ := strings.Cut(l, ","); a != "" && !strings.Contains(contracts, ","+a+",") {
			prospect = a
			break
		}
	}
	if prospect == "" {
		t.Fatal("no account without a contract")
	}
	f := strings.Split(lines[1], ",")
	f[0], f[1], f[2] = "PROSPECT-"+f[0], prospect, ""
	added = append(added, strings.Join(f, ","))
	// And two tickets created after the as-of date, one and two days
	// later, the second without a contract (attributed by date): each
	// enters the models when a later as-of date reaches it, and leaves
	// them when an earlier one comes back.
	later := 0
	for _, l := range lines[len(lines)-40:] {
		f := strings.Split(l, ",")
		if later == 2 || strings.Contains(l, `"`) || len(f) != 11 || f[2] == "" {
			continue
		}
		later++
		f[0], f[3], f[4], f[7], f[8] = fmt.Sprintf("LATER%d-%s", later, f[0]), asOf.AddDate(0, 0, later).Add(10*time.Hour).Format(time.RFC3339), "", "false", ""
		if later == 2 {
			f[2] = ""
		}
		added = append(added, strings.Join(f, ","))
	}
	if later != 2 {
		t.Fatal("no two tickets on a contract to copy after the as-of date")
	}
	fixture.WriteFile(t, filepath.Join(src, "tickets", "b.csv"), strings.Join(added, "\n")+"\n")

	tickets := []string{"stg_tickets", "int_ticket_attribution", "support_tickets", "ticket_contracts"}
	// The renewal risk scores of the accounts whose tickets changed.
	risk := []string{"int_renewal_risk_scores", "int_renewal_risk_accounts", "renewal_risk", "renewal_risk_weekly", "renewal_risk_backtest", "account_summary", "ticket_accounts"}
	// The contracts whose attributed tickets changed, their units of the
	// contract-based effects (ranked across contracts by what tickets do
	// not move), and those effects pooled again.
	effects := []string{"int_contract_activity", "contract_scope", "int_effect_contract_units", "int_effect_units"}
	policy := maps.Clone(queries.DefaultSettings().PolicyMax)
	policy["smb"] += 0.05
	tests := []struct {
		name     string
		asOf     time.Time
		more     int // new tickets added in a new file before the run
		policy   map[string]float64
		model    string   // the analyst's model my_deals.sql, when set
		kept     []string // models that must be copied
		computed []string // models that must be computed again
		inPlace  []string // of computed, models that must be updated in place
	}{
		{"NewTickets", asOf, 0, nil, "", []string{"stg_deals", "stg_deal_lines", "int_contract_scope_features", "deal_discounts"}, slices.Concat([]string{"headline_metrics", "ticket_totals", "ticket_refusal"}, tickets, risk, effects), slices.Concat(tickets, risk, effects)},
		// The attribution reads the as-of date only to keep the tickets
		// created by then (as_of: ticket_date), and the enriched deals to
		// keep the deals closed by then: each is updated in place for the
		// tickets created, or the deals closed, between the two dates.
		{"NewAsOf", asOf.AddDate(0, 0, 1), 0, nil, "", []string{"stg_tickets", "stg_deals"}, append([]string{"headline_metrics", "int_ticket_attribution", "int_deals_enriched"}, asOfModels...), append([]string{"int_ticket_attribution", "int_deals_enriched"}, asOfModels...)},
		// The risk scores read the as-of date otherwise: with it changed
		// they are computed in full, and so are their readers, since a
		// new as-of date changes the score of most accounts' current
		// renewals. The tickets' mart, which reads only the attribution, is
		// updated in place for the few rows that changed.
		{"NewTicketsAndAsOf", asOf.AddDate(0, 0, 2), 25, nil, "", []string{"stg_deals"}, slices.Concat([]string{"headline_metrics", "int_deals_enriched"}, tickets, risk), []string{"stg_tickets", "int_ticket_attribution", "int_deals_enriched", "ticket_accounts", "support_tickets", "ticket_contracts"}},
		// A configuration change: the discount policy computes what reads it.
		{"NewPolicy", asOf.AddDate(0, 0, 2), 0, policy, "", append([]string{"stg_deals", "int_contract_scope_features"}, tickets...), []string{"int_deals_enriched", "deal_discounts", "headline_metrics"}, nil},
		// An analyst's model added, then its SQL changed: it alone is computed.
		{"ModelAdded", asOf.AddDate(0, 0, 2), 0, policy, "select deal_id from stg_deals", append([]string{"stg_deals", "deal_discounts", "headline_metrics"}, tickets...), []string{"my_deals"}, nil},
		{"ModelChanged", asOf.AddDate(0, 0, 2), 0, policy, "select deal_id, account_id from stg_deals", append([]string{"stg_deals", "deal_discounts", "headline_metrics"}, tickets...), []string{"my_deals"}, nil},
		// Made a view, then a table again: the copied generation's table,
		// then view, of that name makes way.
		{"ModelMadeView", asOf.AddDate(0, 0, 2), 0, policy, "-- materialized: view\nselect deal_id, account_id from stg_deals", append([]string{"stg_deals", "deal_discounts"}, tickets...), []string{"my_deals"}, nil},
		{"ModelMadeTable", asOf.AddDate(0, 0, 2), 0, policy, "-- materialized: table\nselect deal_id, account_id from stg_deals", append([]string{"stg_deals", "deal_discounts"}, tickets...), []string{"my_deals"}, nil},
		// An earlier as-of date again: the ticket created after it leaves
		// the attribution, and the deal closed after it the enriched deals,
		// both updated in place.
		{"EarlierAsOf", asOf.AddDate(0, 0, 1), 0, policy, "-- materialized: table\nselect deal_id, account_id from stg_deals", []string{"stg_tickets", "stg_deals", "my_deals"}, append([]string{"headline_metrics", "int_ticket_attribution", "int_deals_enriched"}, asOfModels...), append([]string{"int_ticket_attribution", "int_deals_enriched"}, asOfModels...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.more > 0 {
				more := []string{lines[0]}
				for _, l := range lines[1 : 1+tt.more] {
					more = append(more, "MORE-"+l)
				}
				fixture.WriteFile(t, filepath.Join(src, "tickets", "c.csv"), strings.Join(more, "\n")+"\n")
			}
			if tt.model != "" {
				fixture.WriteFile(t, filepath.Join(userDir, "my_deals.sql"), tt.model+"\n")
			}
			marts := lakeMarts(t, data)
			scores := "SELECT string_agg(r::VARCHAR, '|' ORDER BY r::VARCHAR) FROM int_renewal_risk_scores r WHERE account_id = ?"
			before := fixture.Value(t, fixture.OpenPublished(t, data), scores, left)
			rep := load(data, tt.asOf, tt.policy, false)
			if after := fixture.Value(t, fixture.OpenPublished(t, data), scores, left); tt.name == "NewTickets" && after == before {
				t.Errorf("the risk scores of account %s, which lost an escalation, did not change", left)
			}
			state, inPlace := map[string]bool{}, map[string]bool{}
			for _, r := range rep.Models {
				state[r.Name], inPlace[r.Name] = r.Kept, r.Incremental
			}
			// A kept model's tests of its own table are not run again; a
			// computed model's are.
			reused := 0
			for _, r := range rep.Tests {
				if r.Reused {
					reused++
				}
				if r.Reused && !state[r.Model] {
					t.Errorf("test %s of %s, which was computed, was not run again", r.Name, r.Model)
				}
				if !r.Reused && state[r.Model] && (strings.HasPrefix(r.Name, "unique(") || strings.HasPrefix(r.Name, "not_null(")) {
					t.Errorf("test %s of %s, which was kept, was run again", r.Name, r.Model)
				}
				// A relationship between two kept models holds as it did;
				// one to a model computed again is checked again.
				if _, to, ok := strings.Cut(r.Name, " -> "); ok && strings.HasPrefix(r.Name, "relationships(") && state[r.Model] {
					to, _, _ = strings.Cut(to, ".")
					if kept, known := state[to]; known && kept != r.Reused {
						t.Errorf("test %s of %s (kept), to %s (kept: %v): reused %v", r.Name, r.Model, to, kept, r.Reused)
					}
				}
			}
			if reused == 0 {
				t.Error("no test result was reused")
			}
			// A model updated in place counts its tests of its own rows over
			// the changed keys only (TestDataTestsCounted), where it can.
			counted := 0
			for _, r := range rep.Tests {
				if r.Counted {
					counted++
					if !inPlace[r.Model] {
						t.Errorf("test %s of %s, which was not updated in place, counted over changed keys", r.Name, r.Model)
					}
				}
			}
			if len(tt.inPlace) > 0 && counted == 0 {
				t.Error("no test of a model updated in place counted over its changed keys")
			}
			for _, m := range tt.computed {
				if want := slices.Contains(tt.inPlace, m); inPlace[m] != want {
					t.Errorf("%s updated in place: %v, want %v", m, inPlace[m], want)
				}
			}
			// A kept mart's lake file is left as it was; a computed one's is
			// written again.
			after := lakeMarts(t, data)
			for _, r := range rep.Models {
				if r.Layer != queries.Marts {
					continue
				}
				if same := after[r.Name] == marts[r.Name]; same != r.Kept {
					t.Errorf("mart %s: kept %v, but its lake file unchanged is %v", r.Name, r.Kept, same)
				}
			}
			if tt.model != "" {
				want := "table"
				if strings.Contains(tt.model, "materialized: view") {
					want = "view"
				}
				if got := kindOf(t, fixture.OpenPublished(t, data), "my_deals"); got != want {
					t.Errorf("my_deals is a %s, want a %s", got, want)
				}
			}
			for _, m := range tt.kept {
				if kept, ok := state[m]; !ok || !kept {
					t.Errorf("%s was computed again; nothing it reads changed", m)
				}
			}
			for _, m := range tt.computed {
				if kept, ok := state[m]; !ok || kept {
					t.Errorf("%s was kept; something it reads changed", m)
				}
			}
			fresh := wh.Dir(t.TempDir())
			load(fresh, tt.asOf, tt.policy, true)
			got, want := fixture.OpenPublished(t, data), fixture.OpenPublished(t, fresh)
			// The catalog's columns, copied for the kept models, are the
			// ones a build from nothing records.
			cat := "SELECT string_agg(c::VARCHAR, '|' ORDER BY c.model, c.position) FROM _model_columns c"
			if g, w := fixture.Value(t, got, cat), fixture.Value(t, want, cat); g != w {
				t.Errorf("_model_columns differs from a load from nothing:\n%s\nwant\n%s", g, w)
			}
			// So are the data tests' results, counted or reused.
			tests := "SELECT string_agg(concat_ws(' ', model, test, status, failing_rows), '|' ORDER BY model, test) FROM _data_tests"
			if g, w := fixture.Value(t, got, tests), fixture.Value(t, want, tests); g != w {
				t.Errorf("_data_tests differs from a load from nothing:\n%s\nwant\n%s", g, w)
			}
			for _, r := range rep.Models {
				if g, w := modelRows(t, got, r.Name), modelRows(t, want, r.Name); g != w {
					t.Errorf("%s differs from a load from nothing: %s, want %s", r.Name, g, w)
					if os.Getenv("DEBUGROWS") != "" {
						q := "SELECT string_agg(r::VARCHAR, '\n' ORDER BY r::VARCHAR) FROM " + r.Name + " r"
						t.Logf("got:\n%s\nwant:\n%s", fixture.Value(t, got, q), fixture.Value(t, want, q))
					}
				}
			}
		})
	}
}

// modelRows renders a model's rows as a count and a hash of them, sorted,
// leaving out the columns that record which run loaded a row, and doubles
// rounded to 8 decimals: DuckDB sums in parallel, in no fixed order, so two
// builds of the same rows may differ in the last bits.
func modelRows(t *testing.T, db *sql.DB, model string) string {
	t.Helper()
	var cols []string
	rows, err := db.Query("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? AND column_name NOT IN ('_run_id', '_source_file', '_source_row') ORDER BY column_index", model)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c, typ string
		rows.Scan(&c, &typ)
		if typ == "DOUBLE" || typ == "FLOAT" {
			x := wh.Ident(c)
			cols = append(cols, "CASE WHEN abs("+x+") < 1e-9 THEN 0 ELSE round("+x+", 8) END AS "+x)
			continue
		}
		cols = append(cols, wh.Ident(c))
	}
	rows.Close()
	return fixture.Value(t, db, "SELECT count(*)::VARCHAR || ' ' || coalesce(md5(string_agg(r::VARCHAR, '|' ORDER BY r::VARCHAR)), '') FROM (SELECT "+strings.Join(cols, ", ")+" FROM "+wh.Ident(model)+") r")
}

// lakeMarts reads the modification time and size of each mart's lake file.
func lakeMarts(t *testing.T, data wh.Dir) map[string]string {
	t.Helper()
	files, err := filepath.Glob(data.Path(filepath.Join("lake", "marts", "*.parquet")))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".parquet")] = fmt.Sprint(fi.ModTime().UnixNano(), fi.Size())
	}
	return out
}
