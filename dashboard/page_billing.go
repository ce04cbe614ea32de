package dashboard

import (
	"fmt"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/format"
)

type billingPage struct {
	Configs  Chart
	Quarters Chart
	Leakage  Chart
	Rows     []record
}

func (s *Server) billing(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := s.filtersOf(c, "billing")
	if err != nil {
		return err
	}
	var page billingPage
	configs, err := s.run(ctx, "billing_configs", f, nil)
	if err != nil {
		return err
	}
	page.Rows = records(configs)
	page.Configs = disputeChart(page.Rows)
	quarters, err := s.run(ctx, "billing_quarters", f, nil)
	if err != nil {
		return err
	}
	page.Quarters = leakageByQuarter(records(quarters))
	leakage, err := s.run(ctx, "billing_leakage", f, nil)
	if err != nil {
		return err
	}
	page.Leakage = leakageByAccount(records(leakage))
	page.Leakage.Scope = scopeNote("billing", "billing_leakage", f)
	return s.renderCached(c, "billing", "Billing", "billing", f.Values().Encode(), page)
}

// disputeChart compares the dispute rates of shared and single-account
// billing configurations.
func disputeChart(rows []record) Chart {
	var cats []string
	var rate []float64
	for _, r := range rows {
		cats = append(cats, r.str("config"))
		rate = append(rate, 100*r.num("dispute_rate"))
	}
	ch := barChart("configs", "Disputes: shared against single-account billing configs", cats, []series{{name: "invoices disputed", values: rate}}, false, axis{name: "invoices disputed", unit: unitPct})
	ch.Note = "Share of invoices disputed, for billing configurations copied across two or more accounts and for those serving one account."
	return ch
}

// leakageByQuarter stacks, per fiscal quarter, what was invoiced net of
// credits and what was contracted but not invoiced (the leakage), so the
// bar's height is the contracted amount and the gap is a bar of its own,
// in dollars. An unfinished quarter is hatched.
func leakageByQuarter(rows []record) Chart {
	var qs []string
	var billed, leaked []float64
	var contracted, leakage float64
	partial := -1
	for i, r := range rows {
		q := r.str("fiscal_quarter")
		if r.str("is_to_date") == "true" {
			q, partial = toDateLabel(q), i
		}
		qs = append(qs, q)
		billed = append(billed, r.num("invoiced")-r.num("credited"))
		leaked = append(leaked, r.num("leakage"))
		contracted += r.num("contracted")
		leakage += r.num("leakage")
	}
	ch := barChart("quarters", "Billing leakage by quarter", qs, []series{
		{name: "invoiced net of credits", values: billed, stack: "contracted", color: "#5470c6"},
		{name: "contracted, not invoiced (leakage)", values: leaked, stack: "contracted", color: "#c62828"},
	}, false, axis{name: "contracted", unit: unitUSD}, toDate(partial), everyCategory)
	ch.Note = "Accrued per fiscal quarter: contracts and invoices spread over their days, credits on their issue day. Each bar is what contracts should have billed; the red part was not invoiced (net of credits)."
	if contracted > 0 {
		ch.Note += fmt.Sprintf(" Leakage over these quarters: %s, %.1f%% of %s contracted.", format.Money(leakage), 100*leakage/contracted, format.Money(contracted))
	}
	if partial >= 0 {
		ch.Note += " The hatched last quarter is not over: amounts to date."
	}
	return ch
}

// leakageByAccount names the accounts with the most leakage to date and
// the billing configurations they are invoiced on.
func leakageByAccount(rows []record) Chart {
	var cats []string
	var leaked []float64
	for _, r := range rows {
		label := r.str("account_name")
		if cfg := r.str("billing_configs"); cfg != "" {
			label += "\n" + cfg
			if r.str("shares_billing_config") == "true" {
				label += " (shared)"
			}
		} else {
			label += "\nno invoices"
		}
		cats = append(cats, label)
		leaked = append(leaked, r.num("leakage"))
	}
	ch := barChart("leakage", "Where the leakage is: accounts and billing configurations", cats, []series{{name: "leakage to date", values: leaked, color: "#c62828"}}, true, axis{name: "leakage to date", unit: unitUSD})
	ch.Note = "The 12 accounts with the most contracted-but-not-invoiced money to date (net of credits), with the billing configurations their invoices use; \"shared\" configurations serve two or more accounts."
	return ch
}
