package generate

import (
	"fmt"
	"strings"
	"time"
)

// The metrics below measure the planted effects straight from generated
// files, the way Precedent's models are meant to. They are test helpers:
// docs/generator.md quotes their values for both worlds.

// metricNames lists the metrics in report order.
var metricNames = []string{
	"eoq_close_share",
	"late_quarter_discount_uplift",
	"late_quarter_discount_uplift_new",
	"late_quarter_exception_share",
	"won_late_share",
	"exception_share",
	"renewal_discount_slope",
	"precedent_cite_share",
	"precedent_anchor_rate",
	"rep_contagion_uplift",
	"scope_escalation_rate_ratio",
	"scope_escalations_per_year_ratio",
	"escalation_delay_ratio",
	"scope_question_rate_ratio",
	"ambiguity_escalation_spearman",
	"shared_config_dispute_ratio",
	"churn_rate",
	"renewal_risk_auc",
}

// setupSQL builds the helper tables the metrics read. %[1]s is the as-of
// date, %[2]d the number of months the fiscal year is shifted from January.
const setupSQL = `
create temp table won as
select d.deal_id, d.account_id, d.rep_id, d.deal_type, d.close_date, d.precedent_deal_id, a.segment,
       1 - d.net_amount::double / d.list_amount::double as disc,
       case a.segment when 'enterprise' then 0.25 when 'mid_market' then 0.20 else 0.15 end as pmax,
       last_day(date_trunc('quarter', d.close_date - interval %[2]d month) + interval (%[2]d + 2) month)::date - d.close_date < 14 as late
from deals d join accounts a using (account_id)
where d.stage = 'won';

create temp table ctr as
select c.contract_id, c.account_id, c.start_date, c.end_date, a.segment, c.has_side_letter,
       (least(c.end_date, date '%[1]s') - c.start_date + 1) / 365.25 as years,
       (select count(*) from deal_lines l where l.deal_id = c.deal_id and l.sku is null) as custom,
       (select count(*) filter (where not t.is_standard) from contract_terms t where t.contract_id = c.contract_id) as nonstd,
       (select count(*) from phrases p where contains(lower(c.scope_text), p.phrase)) as vague
from contracts c join accounts a using (account_id);

create temp table amb as
select contract_id,
       (vague - avg(vague) over ()) / stddev_pop(vague) over ()
     + (custom - avg(custom) over ()) / stddev_pop(custom) over ()
     + (nonstd - avg(nonstd) over ()) / stddev_pop(nonstd) over ()
     + (has_side_letter::int - avg(has_side_letter::int) over ()) / stddev_pop(has_side_letter::int) over () as score
from ctr;

create temp table tk as
select t.*, coalesce(t.contract_id, (
         select c.contract_id from contracts c
         where c.account_id = t.account_id and t.created_at::date between c.start_date and c.end_date
         order by c.start_date limit 1)) as cid
from tickets t;

create temp table per_ctr as
with agg as (
  select c.contract_id, c.segment, c.years, a.score,
         count(t.ticket_id) as tickets,
         count(t.ticket_id) filter (where t.is_escalated) as escalated,
         count(t.ticket_id) filter (where t.category = 'scope_question') as scope_q
  from ctr c join amb a using (contract_id) left join tk t on t.cid = c.contract_id
  group by all)
select *, ntile(5) over (order by score, contract_id) as q from agg;
`

// metricSQL holds one query per metric name.
var metricSQL = map[string]string{
	"eoq_close_share": `select avg(late::int) from (
		select last_day(date_trunc('quarter', close_date - interval %[2]d month) + interval (%[2]d + 2) month)::date - close_date < 14 as late
		from deals where stage <> 'open')`,
	"late_quarter_discount_uplift":     `select avg(disc) filter (where late) - avg(disc) filter (where not late) from won`,
	"late_quarter_discount_uplift_new": `select avg(disc) filter (where late) - avg(disc) filter (where not late) from won where deal_type <> 'renewal'`,
	"late_quarter_exception_share":     `select avg(late::int) from won where disc > pmax`,
	"won_late_share":                   `select avg(late::int) from won`,
	"exception_share":                  `select avg((disc > pmax)::int) from won`,
	"renewal_discount_slope": `with nr as (
		select *, lag(disc) over (partition by account_id order by close_date, deal_id) as prior
		from won where deal_type in ('new', 'renewal')),
	r as (select segment, disc, prior from nr where deal_type = 'renewal' and prior is not null),
	dm as (select disc - avg(disc) over (partition by segment) as y, prior - avg(prior) over (partition by segment) as x from r)
	select sum(x * y) / sum(x * x) from dm`,
	"precedent_cite_share": `select avg((precedent_deal_id is not null)::int) from won`,
	"precedent_anchor_rate": `select avg((abs(d.disc - p.disc) <= 0.01)::int)
		from won d join won p on d.precedent_deal_id = p.deal_id`,
	"rep_contagion_uplift": `with seg as (select *, disc - avg(disc) over (partition by segment, deal_type) as rel from won),
	first as (select rep_id, close_date as fdate, deal_id as fdeal from (
		select *, row_number() over (partition by rep_id order by close_date, deal_id) as rn from won where disc > pmax) where rn = 1),
	per_rep as (
		select s.rep_id,
		       avg(rel) filter (where s.close_date > f.fdate or (s.close_date = f.fdate and s.deal_id > f.fdeal)) as after,
		       avg(rel) filter (where s.close_date < f.fdate or (s.close_date = f.fdate and s.deal_id < f.fdeal)) as before
		from seg s join first f using (rep_id)
		where s.deal_type in ('new', 'expansion') and s.deal_id <> f.fdeal group by s.rep_id)
	select avg(after - before) from per_rep where after is not null and before is not null`,
	"scope_escalation_rate_ratio": `select (sum(escalated) filter (where q = 5) / sum(tickets) filter (where q = 5)) /
		(sum(escalated) filter (where q = 1) / sum(tickets) filter (where q = 1)) from per_ctr`,
	"scope_escalations_per_year_ratio": `select (sum(escalated) filter (where q = 5) / sum(years) filter (where q = 5)) /
		(sum(escalated) filter (where q = 1) / sum(years) filter (where q = 1)) from per_ctr`,
	"escalation_delay_ratio": `select median(epoch(t.escalated_at - t.created_at)) filter (where p.q = 5) /
		median(epoch(t.escalated_at - t.created_at)) filter (where p.q = 1)
		from tk t join per_ctr p on p.contract_id = t.cid where t.is_escalated`,
	"scope_question_rate_ratio": `select (sum(scope_q) filter (where q = 5) / sum(years) filter (where q = 5)) /
		(sum(scope_q) filter (where q = 1) / sum(years) filter (where q = 1)) from per_ctr`,
	"ambiguity_escalation_spearman": `with x as (select score, escalated / years as rate from per_ctr where years > 0.25),
	r as (select rank() over (order by score) + (count(*) over (partition by score) - 1) / 2.0 as rs,
	             rank() over (order by rate) + (count(*) over (partition by rate) - 1) / 2.0 as rr from x)
	select corr(rs, rr) from r`,
	"shared_config_dispute_ratio": `with cfg as (select billing_config_id, count(distinct account_id) as n from invoices group by 1)
	select avg(is_disputed::int) filter (where n >= 2) / avg(is_disputed::int) filter (where n < 2)
	from invoices join cfg using (billing_config_id)`,
	"churn_rate": `select avg(churned::int) from ended`,
	"renewal_risk_auc": `with s as (
		select churned,
		       (esc - avg(esc) over (partition by segment)) / nullif(stddev_pop(esc) over (partition by segment), 0)
		     + (disp - avg(disp) over (partition by segment)) / nullif(stddev_pop(disp) over (partition by segment), 0)
		     + score as risk
		from ended),
	r as (select churned, rank() over (order by risk) + (count(*) over (partition by risk) - 1) / 2.0 as rk from s)
	select (sum(rk) filter (where churned) - count(*) filter (where churned) * (count(*) filter (where churned) + 1) / 2.0)
	     / (count(*) filter (where churned) * count(*) filter (where not churned)) from r`,
}

// endedSQL builds the contracts whose renewal was decided by as-of, with
// what was visible 90 days before their end.
const endedSQL = `
create temp table ended as
select c.contract_id, c.segment, a.score,
       not exists (select 1 from contracts n where n.renews_contract_id = c.contract_id) as churned,
       (select count(*) from tk t where t.cid = c.contract_id and t.is_escalated
            and t.escalated_at <= (c.end_date - 90)::timestamptz) as esc,
       (select count(*) from invoices i where i.contract_id = c.contract_id and i.is_disputed
            and i.issued_date <= c.end_date - 90) as disp
from ctr c join amb a using (contract_id)
where c.end_date < date '%[1]s' and c.end_date - c.start_date > 180;
`

// setUp creates the helper tables the metrics read (won, ctr, amb, tk,
// per_ctr, ended) on the files behind l.
func (l *lake) setUp(asOf time.Time, fiscalStart int) {
	l.tb.Helper()
	var phrases []string
	for _, p := range VaguePhrases {
		phrases = append(phrases, fmt.Sprintf("('%s')", p))
	}
	stmts := "create temp table phrases(phrase varchar); insert into phrases values " + strings.Join(phrases, ", ") + ";" +
		setupSQL + endedSQL
	for _, stmt := range strings.Split(fmt.Sprintf(stmts, asOf.Format("2006-01-02"), fiscalStart-1), ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := l.db.Exec(stmt); err != nil {
			l.tb.Fatalf("%v\n%s", err, stmt)
		}
	}
}

// measure computes every metric on the files behind l.
func measure(l *lake, asOf time.Time, fiscalStart int) map[string]float64 {
	l.tb.Helper()
	l.setUp(asOf, fiscalStart)
	shift := fiscalStart - 1
	date := asOf.Format("2006-01-02")
	out := map[string]float64{}
	for _, name := range metricNames {
		q := metricSQL[name]
		if strings.Contains(q, "%[") {
			q = fmt.Sprintf(q, date, shift)
		}
		out[name] = l.float(q)
	}
	return out
}
