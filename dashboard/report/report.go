// Package report builds Precedent's weekly report from the published
// warehouse: what changed in an ISO week against the week before, as a
// self-contained HTML file with static charts, a plain-text version, the
// CSV files of its tables and a JSON file the dashboard renders, archived
// under data/reports/<year>-W<week>/, and mails it at most once per week.
package report

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"math"
	"time"

	"github.com/precedent-dev/precedent/dashboard/format"
	"github.com/precedent-dev/precedent/dashboard/headline"
	"github.com/precedent-dev/precedent/dashboard/namedsql"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// Report is one week's report.
type Report struct {
	Week string `json:"week"`
	// Summary is what a CRO reads first, in three sentences: what changed,
	// the biggest new risk in dollars, and what to do about it.
	Summary   []string  `json:"summary"`
	From      time.Time `json:"from"` // Monday 00:00 UTC
	To        time.Time `json:"to"`   // the next Monday, exclusive
	Fresh     Freshness `json:"freshness"`
	Counts    []Count   `json:"counts"`
	ARR       []TierARR `json:"arr_at_risk"`
	Tables    []Table   `json:"tables"`
	AtRisk    float64   `json:"arr_at_risk_90d"`      // high-tier ARR renewing within 90 days of the week's end
	AtRiskWas float64   `json:"arr_at_risk_90d_prev"` // the same at the previous week's end
	// RiskAtWeekEnd tells whether the renewals and ARR at risk were scored
	// as of each week's end (renewal_risk_weekly, which covers the 26 weeks
	// before as_of) or, for an older week, with the current scores.
	RiskAtWeekEnd bool `json:"risk_at_week_end"`
	// Effects are the headline effects as of the warehouse's as_of, each
	// adjusted within segment with the raw comparison beside it.
	Effects []headline.Card `json:"effects"`
}

// Freshness says how current the data behind the report is.
type Freshness struct {
	Generation   int       `json:"generation"`
	AsOf         string    `json:"as_of"`
	LastETLRun   int       `json:"last_etl_run"`
	LastETLEnded time.Time `json:"last_etl_ended"`
	// LastETLStatus is the last published run's status: success, or
	// warning when it rejected some input.
	LastETLStatus  string `json:"last_etl_status,omitempty"`
	QuarantinedRun int64  `json:"quarantined_last_run"`
	QuarantinedWk  int64  `json:"quarantined_in_week"`
}

// Count is one number of the week against the week before. Name is the
// definition's name in docs/metrics.md.
type Count struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	This  int64  `json:"this_week"`
	Prev  int64  `json:"previous_week"`
}

// Change writes the count's change from the week before: "+3", "-5" or
// "same".
func (c Count) Change() string {
	if c.This == c.Prev {
		return "same"
	}
	return fmt.Sprintf("%+d", c.This-c.Prev)
}

// AtRiskChange writes the change of the ARR at high risk from the week
// before in whole dollars: "+$20,000", "-$1,250" or "same".
func (r *Report) AtRiskChange() string { return dollarChange(r.AtRisk, r.AtRiskWas) }

func dollarChange(this, prev float64) string {
	switch d := this - prev; {
	case math.Abs(d) < 0.5:
		return "same"
	case d > 0:
		return "+" + format.Dollars(d)
	default:
		return "-" + format.Dollars(-d)
	}
}

// TierARR is the ARR renewing within 90 days of a week's end in one risk tier.
type TierARR struct {
	Tier string  `json:"tier"`
	This float64 `json:"this_week"`
	Prev float64 `json:"previous_week"`
}

// Table is one list behind the report, also written as <Name>.csv.
type Table struct {
	Name    string     `json:"name"`
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// counts are the report's numbers, in order, with their labels.
var counts = []struct{ name, label string }{
	{"late_quarter_exception", "late-quarter discount exceptions"},
	{"discount_exception", "other discount exceptions"},
	{"precedent_citation", "deals citing a precedent"},
	{"renewal_entered_90d", "renewals entering the 90-day window"},
	{"escalation", "escalations"},
	{"scope_question", "scope-question tickets"},
	{"billing_dispute", "disputed invoices"},
	{"credit_note", "credit notes"},
}

// tables are the lists of the report, in order.
var tables = []struct{ name, title string }{
	{"exceptions", "New discount exceptions"},
	{"citations", "Precedents newly cited"},
	{"renewals", "Renewals that entered the 90-day window, by ARR at risk"},
	{"escalations", "New escalations and the ARR they touch"},
	{"scope_questions", "New scope-question tickets"},
	{"disputes", "New billing disputes"},
	{"credit_notes", "New credit notes"},
}

// Build reads the week's report from a published warehouse opened read-only.
func Build(ctx context.Context, db *sql.DB, w Week, fresh Freshness) (*Report, error) {
	r := &Report{Week: w.String(), From: w.Start(), To: w.End(), Fresh: fresh}
	set, err := namedsql.Load(sqlFiles, "sql")
	if err != nil {
		return nil, err
	}
	q := &weekQueries{db: db, set: set, params: map[string]any{
		"from": w.Start().Format(time.DateOnly),
		"to":   w.End().Format(time.DateOnly),
		"prev": w.Prev().Start().Format(time.DateOnly),
	}}
	// In this order: the risk history decides which scores the counts and
	// ARR at risk read.
	for _, step := range []func(context.Context, *weekQueries) error{r.readRisk, r.readCounts, r.readARR, r.readTables, r.readEffects, r.readQuarantine} {
		if err := step(ctx, q); err != nil {
			return nil, err
		}
	}
	r.Summary = r.summary()
	return r, nil
}

// weekQueries runs the report's named queries with one week's parameters.
type weekQueries struct {
	db     *sql.DB
	set    namedsql.Set
	params map[string]any
}

func (q *weekQueries) run(ctx context.Context, name string) (*wh.Rows, error) {
	args, err := q.set[name].Args(q.params)
	if err != nil {
		return nil, fmt.Errorf("report %w", err)
	}
	rows, err := wh.Query(ctx, q.db, q.set[name].Text, 0, args...)
	if table, ok := wh.MissingTable(err); ok {
		return nil, fmt.Errorf("report %s: the published warehouse has no %s: it was built by an earlier version of Precedent; run precedent etl first", name, table)
	}
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	return rows, nil
}

// readRisk decides where renewals and ARR at risk come from: the weekly
// risk history when it covers the week and the one before, else the
// current scores.
func (r *Report) readRisk(ctx context.Context, q *weekQueries) error {
	hist, err := q.run(ctx, "risk_history")
	if err != nil {
		return err
	}
	r.RiskAtWeekEnd = len(hist.Values) == 1 && hist.Values[0][0] == true
	q.params["historic"] = r.RiskAtWeekEnd
	return nil
}

// readCounts reads the week's and the week before's count of each event.
func (r *Report) readCounts(ctx context.Context, q *weekQueries) error {
	cr, err := q.run(ctx, "counts")
	if err != nil {
		return err
	}
	byPeriod := map[string][]any{}
	for _, row := range cr.Values {
		byPeriod[fmt.Sprint(row[0])] = row
	}
	for i, c := range counts {
		r.Counts = append(r.Counts, Count{Name: c.name, Label: c.label, This: toInt(byPeriod["this"], i+1), Prev: toInt(byPeriod["prev"], i+1)})
	}
	return nil
}

// readARR reads the ARR up for renewal by risk tier, the week's and the
// week before's; the high tier's is the ARR at risk.
func (r *Report) readARR(ctx context.Context, q *weekQueries) error {
	arr, err := q.run(ctx, "arr_at_risk")
	if err != nil {
		return err
	}
	tiers := map[string]*TierARR{}
	for _, row := range arr.Values {
		tier := fmt.Sprint(row[1])
		t, ok := tiers[tier]
		if !ok {
			t = &TierARR{Tier: tier}
			tiers[tier] = t
		}
		if fmt.Sprint(row[0]) == "this" {
			t.This = format.Number(row[2])
		} else {
			t.Prev = format.Number(row[2])
		}
	}
	for _, tier := range []string{"high", "medium", "low"} {
		if t, ok := tiers[tier]; ok {
			r.ARR = append(r.ARR, *t)
		}
	}
	if t, ok := tiers["high"]; ok {
		r.AtRisk, r.AtRiskWas = t.This, t.Prev
	}
	return nil
}

// readTables reads the report's tables, each cell formatted as text.
func (r *Report) readTables(ctx context.Context, q *weekQueries) error {
	for _, t := range tables {
		rows, err := q.run(ctx, t.name)
		if err != nil {
			return err
		}
		tab := Table{Name: t.name, Title: t.title, Columns: rows.Columns}
		for _, row := range rows.Values {
			cells := make([]string, len(row))
			for i, v := range row {
				cells[i] = wh.Format(v, rows.Types[i])
			}
			tab.Rows = append(tab.Rows, cells)
		}
		r.Tables = append(r.Tables, tab)
	}
	return nil
}

// readEffects reads the headline metrics, each as a sentence.
func (r *Report) readEffects(ctx context.Context, q *weekQueries) error {
	effects, err := q.run(ctx, "effects")
	if err != nil {
		return err
	}
	for _, row := range effects.Values {
		m := map[string]any{}
		for i, c := range effects.Columns {
			m[c] = row[i]
		}
		r.Effects = append(r.Effects, headline.Read(headline.FromRow(m)))
	}
	return nil
}

// readQuarantine reads how many rows the week's loads quarantined.
func (r *Report) readQuarantine(ctx context.Context, q *weekQueries) error {
	rows, err := q.run(ctx, "quarantine")
	if err != nil {
		return err
	}
	if len(rows.Values) > 0 {
		r.Fresh.QuarantinedWk = toInt(rows.Values[0], 0)
	}
	return nil
}

func toInt(row []any, i int) int64 {
	if i >= len(row) {
		return 0
	}
	f := format.Number(row[i])
	if math.IsNaN(f) {
		return 0
	}
	return int64(f)
}

// Headline is the report's subject line.
func (r *Report) Headline() string {
	exc := r.Counts[0].This + r.Counts[1].This
	return fmt.Sprintf("Precedent weekly report %s: %d new discount exceptions, %s ARR at high risk in the next 90 days", r.Week, exc, format.Money(r.AtRisk))
}
