package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/dashboard/format"
)

// table returns the report's table called name, or an empty one.
func (r *Report) table(name string) Table {
	for _, t := range r.Tables {
		if t.Name == name {
			return t
		}
	}
	return Table{Name: name}
}

// cell returns row i's value of column name, "" when there is none.
func (t Table) cell(i int, name string) string {
	c := slices.Index(t.Columns, name)
	if c < 0 || i >= len(t.Rows) || c >= len(t.Rows[i]) {
		return ""
	}
	return t.Rows[i][c]
}

// sum adds up column name over the rows, each distinct key (a column) once.
func (t Table) sum(name, key string) float64 {
	seen := map[string]bool{}
	total := 0.0
	for i := range t.Rows {
		if key != "" {
			k := t.cell(i, key)
			if seen[k] {
				continue
			}
			seen[k] = true
		}
		if v := format.Number(t.cell(i, name)); !math.IsNaN(v) {
			total += v
		}
	}
	return total
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return format.Count(float64(n)) + " " + many
}

// summary writes the report's three sentences: what changed, the biggest
// new risk in dollars, and what to do. The renewals table is sorted by
// ARR at risk, so its first row is the biggest new risk.
func (r *Report) summary() []string {
	var changed string
	switch d := r.AtRisk - r.AtRiskWas; {
	case math.Abs(d) < 0.5:
		changed = fmt.Sprintf("ARR at high renewal risk in the next 90 days held at %s", format.Dollars(r.AtRisk))
	case d > 0:
		changed = fmt.Sprintf("ARR at high renewal risk in the next 90 days rose by %s to %s", format.Dollars(d), format.Dollars(r.AtRisk))
	default:
		changed = fmt.Sprintf("ARR at high renewal risk in the next 90 days fell by %s to %s", format.Dollars(-d), format.Dollars(r.AtRisk))
	}
	renewals, escalations := r.table("renewals"), r.table("escalations")
	if n := len(renewals.Rows); n == 0 {
		changed += "; no renewal entered the 90-day window"
	} else {
		changed += fmt.Sprintf("; %s worth %s entered the 90-day window", plural(n, "renewal", "renewals"), format.Dollars(renewals.sum("arr", "")))
	}
	if n := len(escalations.Rows); n == 0 {
		changed += ", and nothing escalated."
	} else {
		changed += fmt.Sprintf(", and %s touched %s of ARR.", plural(n, "escalation", "escalations"), format.Dollars(escalations.sum("account_arr", "account_id")))
	}
	if len(renewals.Rows) == 0 {
		return []string{changed,
			"No new renewal risk: no renewal entered the 90-day window this week.",
			"What to do: nothing new this week; the renewals already in the window are on the dashboard's overview, largest ARR at risk first."}
	}
	account := renewals.cell(0, "account_name")
	risk := fmt.Sprintf("The biggest new risk is %s: %s at risk of %s renewing on %s (risk %s, %s)",
		account, format.Dollars(format.Number(renewals.cell(0, "arr_at_risk"))), format.Dollars(format.Number(renewals.cell(0, "arr"))),
		renewals.cell(0, "end_date"), format.Decimal(format.Number(renewals.cell(0, "risk_score")), 0), renewals.cell(0, "risk_tier"))
	if why := renewals.cell(0, "reasons"); why != "" {
		risk += ", for " + strings.ReplaceAll(why, "; ", ", ")
	}
	risk += "."
	who := account
	if owner := renewals.cell(0, "owner_name"); owner != "" {
		who += ", owner " + owner
	}
	todo := fmt.Sprintf("What to do: %s (%s).", renewals.cell(0, "next_step"), who)
	return []string{changed, risk, todo}
}
