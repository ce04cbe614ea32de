package dashboard

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v4"
)

type discountsPage struct {
	ByDays        Chart
	Renewals      Chart
	Graph         Chart
	GraphBy       string
	ByAccountLink string
	ByRepLink     string
	Drift         Chart
	ByQuarter     Chart
}

func (s *Server) discounts(c echo.Context) error {
	f, err := s.filtersOf(c, "discounts")
	if err != nil {
		return err
	}
	graphBy := "account"
	if c.QueryParam("graph") == "rep" {
		graphBy = "rep"
	}
	page, err := memoPage(s, "discounts?graph="+graphBy+"&"+f.Values().Encode(), func() (discountsPage, error) {
		return s.discountsPage(c.Request().Context(), f, graphBy)
	})
	if err != nil {
		return err
	}
	page.Drift.Scope = scopeNote("discounts", "discounts_drift", f)
	return s.renderCached(c, "discounts", "Discount precedents", "discounts", c.QueryParams().Encode(), page)
}

func (s *Server) discountsPage(ctx context.Context, f Filters, graphBy string) (discountsPage, error) {
	page := discountsPage{GraphBy: graphBy, ByAccountLink: withParams("/discounts", f), ByRepLink: withParams("/discounts", f, "graph", "rep")}
	days, err := s.run(ctx, "discounts_by_days", f, nil)
	if err != nil {
		return page, err
	}
	page.ByDays = byDaysChart(records(days))
	pairs, err := s.run(ctx, "discounts_renewals", f, nil)
	if err != nil {
		return page, err
	}
	page.Renewals = renewalScatter(records(pairs))
	edges, err := s.run(ctx, "discounts_graph", f, nil)
	if err != nil {
		return page, err
	}
	page.Graph = precedentGraph(records(edges), page.GraphBy)
	drift, err := s.run(ctx, "discounts_drift", f, nil)
	if err != nil {
		return page, err
	}
	page.Drift = driftChart(records(drift))
	quarters, err := s.run(ctx, "discounts_by_quarter", f, nil)
	if err != nil {
		return page, err
	}
	page.ByQuarter = exceptionsByQuarter(records(quarters))
	return page, nil
}

func byDaysChart(rows []record) Chart {
	var cats []string
	var disc, deals []float64
	for _, r := range rows {
		cats = append(cats, r.str("days_to_quarter_end"))
		disc = append(disc, 100*r.num("discount"))
		deals = append(deals, r.num("deals"))
	}
	if len(cats) == 0 {
		return emptyChart("by-days", "Discount by days to quarter end")
	}
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(true)...)
	b.SetGlobalOptions(charts.WithXAxisOpts(opts.XAxis{Name: "days before the fiscal quarter's last day", Type: "category", Inverse: opts.Bool(true)}))
	b.ExtendYAxis(opts.YAxis{Name: "deals closed", Type: "value"})
	b.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: "mean discount", Type: "value"}))
	b.SetXAxis(cats)
	bars := make([]opts.BarData, len(deals))
	for i, v := range deals {
		bars[i] = opts.BarData{Value: v}
	}
	b.AddSeries("deals closed", bars, charts.WithBarChartOpts(opts.BarChart{YAxisIndex: 1}), charts.WithItemStyleOpts(opts.ItemStyle{Opacity: opts.Float(0.35)}))
	line := charts.NewLine()
	points := make([]opts.LineData, len(disc))
	for i, v := range disc {
		points[i] = opts.LineData{Value: round(v)}
	}
	line.AddSeries("mean discount", points, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
	b.Overlap(line)
	ch := newChart("by-days", "Discount by days to quarter end", 340, b, nil, withUnits(nil, []unit{unitPct, unitCount}))
	ch.Note = "Mean discount of won deals by how many days before the fiscal quarter's last day they closed; bars count the deals."
	return ch
}

func renewalScatter(rows []record) Chart {
	groups := map[string][]point{}
	var order []string
	for _, r := range rows {
		seg := r.str("segment")
		if _, ok := groups[seg]; !ok {
			order = append(order, seg)
		}
		groups[seg] = append(groups[seg], point{x: 100 * r.num("prior_discount_pct"), y: 100 * r.num("renewal_discount_pct"), label: r.str("renewal_deal_id")})
	}
	var fit *[2][2]float64
	note := "Each dot is a renewal: its prior deal's discount against its own."
	if len(rows) > 1 && rows[0].has("slope") {
		r := rows[0]
		sl, ic := r.num("slope"), r.num("intercept")
		x0, x1 := r.num("x0"), r.num("x1")
		fit = &[2][2]float64{{100 * x0, 100 * (ic + sl*x0)}, {100 * x1, 100 * (ic + sl*x1)}}
		note += fmt.Sprintf(" Fitted line: slope %.2f over %s renewals (not demeaned by segment; see the headline slope).", sl, thousands(r.num("n")))
	}
	ch := scatterChart("renewals", "Renewal against prior discount", axis{name: "prior deal's discount", unit: unitPct}, axis{name: "renewal's discount", unit: unitPct}, groups, order, fit, nil)
	ch.Note = note
	return ch
}

// precedentGraph draws exceptions and the renewals and deals that followed
// or cited them, grouped into categories by account or by rep.
func precedentGraph(rows []record, by string) Chart {
	if len(rows) == 0 {
		return emptyChart("graph", "Precedent graph")
	}
	type node struct {
		account, name, rep string
		discount           float64
		source             bool
	}
	nodes := map[string]*node{}
	var order []string
	add := func(id, account, name, rep string, discount float64, source bool) {
		if n, ok := nodes[id]; ok {
			n.source = n.source || source
			return
		}
		nodes[id] = &node{account: account, name: name, rep: rep, discount: discount, source: source}
		order = append(order, id)
	}
	var links []opts.GraphLink
	for _, r := range rows {
		add(r.str("source"), r.str("source_account"), r.str("source_account_name"), r.str("source_rep"), r.num("source_discount"), true)
		add(r.str("target"), r.str("target_account"), r.str("target_account_name"), r.str("target_rep"), r.num("target_discount"), false)
		links = append(links, opts.GraphLink{Source: r.str("source"), Target: r.str("target")})
	}
	catIndex := map[string]int{}
	var cats []*opts.GraphCategory
	var data []opts.GraphNode
	navigate := map[string]string{}
	labels := map[string]string{} // exception id -> its label
	for _, id := range order {
		n := nodes[id]
		key := n.name
		if by == "rep" {
			key = "rep " + n.rep
		}
		if _, ok := catIndex[key]; !ok {
			catIndex[key] = len(cats)
			cats = append(cats, &opts.GraphCategory{Name: key})
		}
		size := 8.0
		if n.source {
			size = 18
			labels[id] = fmt.Sprintf("%s %.0f%%", n.name, 100*n.discount)
		}
		data = append(data, opts.GraphNode{Name: id, Category: catIndex[key], SymbolSize: size, Value: float32(round(100 * n.discount)),
			Tooltip: &opts.Tooltip{Show: opts.Bool(true)}})
		navigate[id] = "/accounts/" + url.PathEscape(n.account)
	}
	g := charts.NewGraph()
	g.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{AssetsHost: assetsHost}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(len(cats) <= 12), Type: "scroll", Bottom: "0"}),
		charts.WithAnimation(false),
	)
	g.AddSeries("precedents", data, links, charts.WithGraphChartOpts(opts.GraphChart{
		Layout: "force", Roam: opts.Bool(true), Draggable: opts.Bool(true),
		Force:      &opts.GraphForce{Repulsion: 120, EdgeLength: 45, Gravity: 0.1},
		Categories: cats, EdgeSymbol: []string{"none", "arrow"},
	}))
	ch := newChart("graph", "Precedent graph", 520, g, navigate, nodeLabels(labels))
	ch.Note = "Large dots are exceptions, labelled with their account and discount; small dots the renewals anchored to them and the deals that cite them (value: discount %). Click a dot to open its account."
	return ch
}

func driftChart(rows []record) Chart {
	var cats []string
	var drift []float64
	for _, r := range rows {
		cats = append(cats, r.str("rep_name"))
		drift = append(drift, 100*r.num("drift"))
	}
	// Horizontal bars, one row per rep, so that every rep is named.
	ch := barChart("drift", "Rep drift after the first exception", cats, []series{{name: "drift", values: drift}}, true, axis{name: "change in mean discount (points)", unit: unitPts})
	ch.Note = "Mean discount of each rep's next five new or expansion deals after their first exception minus the previous five (reps with at least three on each side)."
	return ch
}

func exceptionsByQuarter(rows []record) Chart {
	var cats []string
	var late, other []float64
	partial := -1
	for i, r := range rows {
		q := r.str("fiscal_quarter")
		if r.str("is_to_date") == "true" {
			q, partial = toDateLabel(q), i
		}
		cats = append(cats, q)
		late = append(late, r.num("late"))
		other = append(other, r.num("other"))
	}
	ch := barChart("by-quarter", "Exceptions per fiscal quarter", cats, []series{
		{name: "late-quarter", values: late, stack: "x"},
		{name: "other", values: other, stack: "x"},
	}, false, axis{name: "exceptions", unit: unitCount}, toDate(partial), everyCategory)
	ch.Note = "Won deals discounted beyond their segment's policy maximum, by fiscal quarter of close."
	if partial >= 0 {
		ch.Note += " The hatched last quarter is not over: it counts deals to date."
	}
	return ch
}

// nodeLabels writes a fixed label beside the graph nodes it names, in the
// first series; braces are taken out, as ECharts reads them as templates.
func nodeLabels(labels map[string]string) tweak {
	clean := strings.NewReplacer("{", "(", "}", ")", "|", "/")
	return func(option map[string]any) {
		series := objects(option, "series")
		if len(series) == 0 {
			return
		}
		data, _ := series[0]["data"].([]any)
		for _, d := range data {
			node, ok := d.(map[string]any)
			if !ok {
				continue
			}
			name, _ := node["name"].(string)
			if text, ok := labels[name]; ok {
				node["label"] = map[string]any{"show": true, "position": "right", "fontSize": 11, "formatter": clean.Replace(text)}
			}
		}
	}
}
