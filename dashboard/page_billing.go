package dashboard

import (
	"github.com/labstack/echo/v4"
)

type billingPage struct {
	Configs  Chart
	Quarters Chart
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
	var cats []string
	var rate []float64
	for _, r := range page.Rows {
		cats = append(cats, r.str("config"))
		rate = append(rate, 100*r.num("dispute_rate"))
	}
	page.Configs = barChart("configs", "Disputes: shared against single-account billing configs", cats, []series{{name: "disputed invoices %", values: rate}}, false, "% of invoices disputed")
	page.Configs.Note = "Share of invoices disputed, for billing configurations copied across two or more accounts and for those serving one account."
	quarters, err := s.run(ctx, "billing_quarters", f, nil)
	if err != nil {
		return err
	}
	var qs []string
	var contracted, invoiced, credited []float64
	for _, r := range records(quarters) {
		qs = append(qs, r.str("fiscal_quarter"))
		contracted = append(contracted, r.num("contracted"))
		invoiced = append(invoiced, r.num("invoiced"))
		credited = append(credited, r.num("credited"))
	}
	page.Quarters = lineChart("quarters", "Contracted, invoiced and credited by quarter", qs, []series{
		{name: "contracted", values: contracted}, {name: "invoiced", values: invoiced}, {name: "credited", values: credited},
	}, "USD")
	page.Quarters.Note = "Accrued per fiscal quarter: contracts and invoices spread over their days, credits on their issue day. The gap between contracted and invoiced net of credits is leakage."
	return s.renderCached(c, "billing", "Billing", "billing", f.Values().Encode(), page)
}
