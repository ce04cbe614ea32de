package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v4"
)

type scopePage struct {
	Rates     Chart
	FirstEsc  Chart
	Phrases   Chart
	Scatter   Chart
	Quintiles []record
}

func (s *Server) scope(c echo.Context) error {
	f, err := s.filtersOf(c, "scope")
	if err != nil {
		return err
	}
	page, err := memoPage(s, "scope?"+f.Values().Encode(), func() (scopePage, error) {
		return s.scopePage(c.Request().Context(), f)
	})
	if err != nil {
		return err
	}
	return s.renderCached(c, "scope", "Scope and escalations", "scope", c.QueryParams().Encode(), page)
}

func (s *Server) scopePage(ctx context.Context, f Filters) (scopePage, error) {
	var page scopePage
	q, err := s.run(ctx, "scope_quintiles", f, nil)
	if err != nil {
		return page, err
	}
	page.Quintiles = records(q)
	for _, r := range page.Quintiles {
		r["fifth"] = fifthName(r.str("ambiguity_quintile"))
	}
	page.Rates = quintileRates(page.Quintiles)
	page.FirstEsc = firstEscalation(page.Quintiles)
	phrases, err := s.run(ctx, "scope_phrases", f, nil)
	if err != nil {
		return page, err
	}
	page.Phrases = phraseChart(records(phrases))
	sc, err := s.run(ctx, "scope_scatter", f, nil)
	if err != nil {
		return page, err
	}
	page.Scatter = ambiguityScatter(records(sc))
	return page, nil
}

// quintileRates draws escalations per exposure year by ambiguity quintile,
// with the 95% interval as whiskers (a boxplot series from low to high).
func quintileRates(rows []record) Chart {
	if len(rows) == 0 {
		return emptyChart("rates", "Escalations per year by ambiguity quintile")
	}
	var cats []string
	var bars []opts.BarData
	var whiskers []opts.BoxPlotData
	for _, r := range rows {
		cats = append(cats, fifthName(r.str("ambiguity_quintile")))
		rate, lo, hi := r.num("escalations_per_year"), r.num("ci_low"), r.num("ci_high")
		bars = append(bars, opts.BarData{Value: round(rate)})
		// A box of zero height at the rate, with whiskers to the bounds.
		whiskers = append(whiskers, opts.BoxPlotData{Value: []float64{round(lo), round(rate), round(rate), round(rate), round(hi)}})
	}
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(true)...)
	b.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: "escalations per contract-year", Type: "value"}),
		charts.WithXAxisOpts(opts.XAxis{Name: "ambiguity fifth", AxisLabel: &opts.AxisLabel{Interval: "0"}}))
	b.SetXAxis(cats).AddSeries("escalations per year", bars)
	box := charts.NewBoxPlot()
	box.AddSeries("95% interval", whiskers, charts.WithItemStyleOpts(opts.ItemStyle{Color: "#333", BorderColor: "#333"}))
	b.Overlap(box)
	ch := newChart("rates", "Escalations per year by ambiguity quintile", 340, b, nil)
	ch.Note = "Escalated tickets per exposure year of the contracts in each fifth, from the clearest fifth (1st) to the most ambiguous (5th); whiskers are 95% intervals."
	return ch
}

func firstEscalation(rows []record) Chart {
	var cats []string
	var days []float64
	for _, r := range rows {
		cats = append(cats, fifthName(r.str("ambiguity_quintile")))
		days = append(days, r.num("median_days_to_first_escalation"))
	}
	ch := barChart("first-escalation", "Time to first escalation", cats, []series{{name: "median days", values: days}}, false, axis{name: "days from contract start", unit: unitDays})
	ch.Note = "Median days from contract start to its first escalation, over the contracts that had one."
	return ch
}

func phraseChart(rows []record) Chart {
	var cats []string
	var rates []float64
	overall := 0.0
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		cats = append(cats, fmt.Sprintf("%s (%s)", r.str("phrase"), thousands(r.num("contracts"))))
		rates = append(rates, r.num("escalations_per_year"))
		overall = r.num("overall_per_year")
	}
	ch := barChart("phrases", "Vague phrases that precede escalations", cats, []series{{name: "escalations per year", values: rates}}, true, axis{name: "escalations per contract-year"})
	ch.Note = fmt.Sprintf("Escalations per exposure year of the contracts whose scope contains each phrase (contracts in brackets); all contracts: %.2f.", overall)
	return ch
}

func ambiguityScatter(rows []record) Chart {
	groups := map[string][]point{}
	var order []string
	links := map[string]string{}
	for _, r := range rows {
		q := fifthName(r.str("ambiguity_quintile"))
		if _, ok := groups[q]; !ok {
			order = append(order, q)
		}
		groups[q] = append(groups[q], point{x: r.num("ambiguity_score"), y: r.num("escalations_per_year"), label: r.str("contract_id")})
		links[r.str("contract_id")] = "/accounts/" + url.PathEscape(r.str("account_id"))
	}
	slices.Sort(order)
	ch := scatterChart("scatter", "Ambiguity against escalation rate", axis{name: "ambiguity score (0-100)"}, axis{name: "escalations per contract-year"}, groups, order, nil, links)
	ch.Note = "One dot per contract (a sample of up to 3,000); click one to open its account."
	return ch
}

// fifthName names an ambiguity quintile as a fifth of contracts, never
// "Q1" (which reads as a fiscal quarter).
func fifthName(q string) string {
	switch q {
	case "1":
		return "1st fifth (clearest)"
	case "2":
		return "2nd fifth"
	case "3":
		return "3rd fifth"
	case "4":
		return "4th fifth"
	case "5":
		return "5th fifth (most ambiguous)"
	}
	return "fifth " + q
}
