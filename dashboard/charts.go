package dashboard

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// assetsHost is where go-echarts is told echarts.min.js lives: in the
// binary, never on another host.
const assetsHost = "/assets/vendor/echarts/"

// Chart is a chart ready for a page: its ECharts option as JSON, which the
// template puts in a data attribute (escaped by html/template) and
// /assets/app.js hands to echarts.init. No option is ever written into a
// script, so data cannot break out of one.
type Chart struct {
	ID     string
	Title  string
	Note   string // one plain sentence under the title
	Option string
	Height int
	Empty  bool // no data: the page says so instead of drawing
	// Scope says which of the page's filters the chart does not follow
	// (scopeNote); empty when it follows them all.
	Scope string
}

// optioned is what every go-echarts chart type provides.
type optioned interface {
	Validate()
	JSON() map[string]any
}

// unit says how a chart writes the numbers of an axis and its tooltips.
// The option carries it as "precedentUnit" on axes and series, and
// /assets/app.js turns it into formatters (an option is JSON: it cannot hold
// functions).
type unit string

const (
	unitNone  unit = ""
	unitUSD   unit = "usd"   // dollars: $40M, $850k
	unitPct   unit = "pct"   // values already in percent: 12%
	unitPts   unit = "pts"   // percentage points: +1.5 pts
	unitDays  unit = "days"  // 45 days
	unitCount unit = "count" // 1,234
)

// axis is a named value axis in a unit.
type axis struct {
	name string
	unit unit
}

// tweak changes a chart's option, as JSON, after go-echarts wrote it: for
// the ECharts settings go-echarts has no field for.
type tweak func(option map[string]any)

// newChart turns a go-echarts chart into a Chart. links maps data names to
// dashboard paths a click on that item opens; anything not starting with
// "/" is dropped, so data cannot become a javascript: URL. Every chart's
// axis names and margins are placed by fitAxisNames, then tweaks run.
func newChart(id, title string, height int, c optioned, links map[string]string, tweaks ...tweak) Chart {
	c.Validate()
	obj, err := generic(c.JSON())
	if err != nil {
		return Chart{ID: id, Title: title, Empty: true, Note: "chart failed: " + err.Error()}
	}
	fitAxisNames(obj)
	for _, t := range tweaks {
		t(obj)
	}
	if len(links) > 0 {
		safe := map[string]string{}
		for k, v := range links {
			if strings.HasPrefix(v, "/") && !strings.HasPrefix(v, "//") {
				safe[k] = v
			}
		}
		obj["precedentLinks"] = safe
	}
	// encoding/json escapes <, > and & in strings, and html/template escapes
	// the attribute: data stays data.
	b, err := json.Marshal(obj)
	if err != nil {
		return Chart{ID: id, Title: title, Empty: true, Note: "chart failed: " + err.Error()}
	}
	return Chart{ID: id, Title: title, Option: string(b), Height: height}
}

// generic turns go-echarts' option into plain maps and slices, so that
// tweaks can change any part of it.
func generic(option map[string]any) (map[string]any, error) {
	b, err := json.Marshal(option)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	return out, json.Unmarshal(b, &out)
}

// objects returns option[key] as a list of objects (ECharts accepts one object
// or a list of them), writing the list back so changes stick.
func objects(option map[string]any, key string) []map[string]any {
	var out []map[string]any
	switch v := option[key].(type) {
	case map[string]any:
		out = []map[string]any{v}
	case []any:
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	if len(out) > 0 {
		items := make([]any, len(out))
		for i, m := range out {
			items[i] = m
		}
		option[key] = items
	}
	return out
}

// object returns m[key] as an object, creating it when absent.
func object(m map[string]any, key string) map[string]any {
	if o, ok := m[key].(map[string]any); ok {
		return o
	}
	o := map[string]any{}
	m[key] = o
	return o
}

// Margins of the plot inside its box, in pixels. The grid contains its
// axis labels (containLabel) but ECharts 5 does not count axis names, so
// the margins leave room for them: a vertical axis's name sits above the
// axis and grows away from the box's edge (left-aligned on the left axis,
// right-aligned on the right one); a horizontal axis's name sits under the
// middle of the axis, below its labels.
const (
	marginTopNamed  = 44 // room for a vertical axis name above the plot
	marginTop       = 24
	marginSide      = 16
	marginRight     = 28 // the last category label may overhang the axis end
	xNameGap        = 30 // from the axis line to the name's centre
	marginBottomFor = 26 // what a horizontal axis name needs below the labels
	legendHeight    = 28
)

// fitAxisNames places every axis name where it is drawn whole and sets the
// grid's margins to hold names and legend. It is the one place that does
// so, and the browser test measures what it draws.
func fitAxisNames(option map[string]any) {
	grids := objects(option, "grid")
	if len(grids) == 0 {
		if _, ok := option["xAxis"]; !ok {
			return // not a chart on axes (graph, pie)
		}
		grids = []map[string]any{{}}
		option["grid"] = []any{grids[0]}
	}
	top, bottom := marginTop, 12
	for i, y := range objects(option, "yAxis") {
		if y["name"] == nil || y["name"] == "" {
			continue
		}
		align := "left"
		if i > 0 || y["position"] == "right" {
			align = "right"
		}
		y["nameLocation"] = "end"
		y["nameGap"] = 14
		ts := object(y, "nameTextStyle")
		ts["align"] = align
		ts["verticalAlign"] = "bottom"
		top = marginTopNamed
	}
	for _, x := range objects(option, "xAxis") {
		if x["name"] == nil || x["name"] == "" {
			continue
		}
		x["nameLocation"] = "middle"
		x["nameGap"] = xNameGap
		bottom += marginBottomFor
	}
	if legend := objects(option, "legend"); len(legend) > 0 && legend[0]["show"] == true {
		bottom += legendHeight
	}
	for _, g := range grids {
		g["containLabel"] = true
		g["top"], g["bottom"] = top, bottom
		g["left"], g["right"] = marginSide, marginRight
	}
}

// withUnits writes the unit of each axis ("x" or "y" with its index) on the
// axis and on the series drawn against it, for app.js's formatters.
func withUnits(x, y []unit) tweak {
	return func(option map[string]any) {
		for i, a := range objects(option, "xAxis") {
			if i < len(x) && x[i] != unitNone {
				a["precedentUnit"] = x[i]
			}
		}
		for i, a := range objects(option, "yAxis") {
			if i < len(y) && y[i] != unitNone {
				a["precedentUnit"] = y[i]
			}
		}
		for _, s := range objects(option, "series") {
			xi, yi := index(s["xAxisIndex"]), index(s["yAxisIndex"])
			var xu, yu unit
			if xi < len(x) {
				xu = x[xi]
			}
			if yi < len(y) {
				yu = y[yi]
			}
			switch {
			case s["type"] == "scatter" || (s["type"] == "line" && xu != unitNone && yu != unitNone):
				s["precedentUnit"] = []unit{xu, yu}
			case yu != unitNone:
				s["precedentUnit"] = yu
			case xu != unitNone:
				s["precedentUnit"] = xu
			}
		}
	}
}

func index(v any) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return 0
}

// toDate marks the category at index i of a bar chart as an unfinished
// period: its bars are hatched and outlined with a dashed line.
func toDate(i int) tweak {
	return func(option map[string]any) {
		if i < 0 {
			return
		}
		for _, s := range objects(option, "series") {
			data, _ := s["data"].([]any)
			if i >= len(data) {
				continue
			}
			item, ok := data[i].(map[string]any)
			if !ok {
				item = map[string]any{"value": data[i]}
				data[i] = item
			}
			style := object(item, "itemStyle")
			style["opacity"] = 0.55
			style["borderType"] = "dashed"
			style["borderColor"] = "#333"
			style["borderWidth"] = 1
			style["decal"] = map[string]any{"symbol": "rect", "dashArrayX": []any{1, 0}, "dashArrayY": []any{2, 4}, "rotation": 0.785, "color": "rgba(255,255,255,0.6)"}
		}
	}
}

// everyCategory names every category of the x axis, slanted so that long
// names (fiscal quarters) fit side by side.
func everyCategory(option map[string]any) {
	for _, x := range objects(option, "xAxis") {
		label := object(x, "axisLabel")
		label["interval"], label["rotate"] = 0, 40
	}
}

// toDateLabel is the category name of an unfinished period.
func toDateLabel(name string) string { return name + " (to date)" }

func emptyChart(id, title string) Chart { return Chart{ID: id, Title: title, Empty: true} }

// global options every chart shares.
func baseOpts(legend bool) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{AssetsHost: assetsHost}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(legend), Type: "scroll", Bottom: "0"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "24", Top: "40", Bottom: "40", ContainLabel: opts.Bool(true)}),
		charts.WithAnimation(false),
	}
}

// series is one named series of values over categories.
type series struct {
	name   string
	values []float64
	stack  string
	color  string // optional
}

// barChart draws series over categories against a value axis; horizontal
// puts the categories on the y axis, one row each, so every label is
// written out.
func barChart(id, title string, categories []string, ss []series, horizontal bool, value axis, tweaks ...tweak) Chart {
	if len(categories) == 0 {
		return emptyChart(id, title)
	}
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(len(ss) > 1)...)
	height := 320
	if horizontal {
		b.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Name: value.name, Type: "value"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: categories, Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}),
		)
		// Long names are cut with an ellipsis at a width that leaves the
		// bars room on a phone; the tooltip names the category in full.
		tweaks = append(tweaks, func(option map[string]any) {
			for _, y := range objects(option, "yAxis") {
				label := object(y, "axisLabel")
				label["width"], label["overflow"] = 180, "truncate"
			}
		})
		row := 22
		if slices.ContainsFunc(categories, func(c string) bool { return strings.Contains(c, "\n") }) {
			row = 36 // two-line labels
		}
		height = max(height, row*len(categories)+110)
		tweaks = append([]tweak{withUnits([]unit{value.unit}, nil)}, tweaks...)
	} else {
		b.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: value.name, Type: "value"}))
		b.SetXAxis(categories)
		tweaks = append([]tweak{withUnits(nil, []unit{value.unit})}, tweaks...)
	}
	for _, s := range ss {
		data := make([]opts.BarData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.BarData{Value: round(v)}
		}
		options := []charts.SeriesOpts{charts.WithBarChartOpts(opts.BarChart{Stack: s.stack})}
		if s.color != "" {
			options = append(options, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color}))
		}
		b.AddSeries(s.name, data, options...)
	}
	return newChart(id, title, height, b, nil, tweaks...)
}

func lineChart(id, title string, categories []string, ss []series, value axis, tweaks ...tweak) Chart {
	if len(categories) == 0 {
		return emptyChart(id, title)
	}
	l := charts.NewLine()
	l.SetGlobalOptions(baseOpts(len(ss) > 1)...)
	l.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: value.name, Type: "value"}))
	l.SetXAxis(categories)
	for _, s := range ss {
		data := make([]opts.LineData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.LineData{Value: round(v)}
		}
		l.AddSeries(s.name, data, charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(false), ShowSymbol: opts.Bool(len(categories) < 60)}))
	}
	return newChart(id, title, 320, l, nil, append([]tweak{withUnits(nil, []unit{value.unit})}, tweaks...)...)
}

// point is one dot of a scatter chart.
type point struct {
	x, y  float64
	label string
}

// scatterChart draws groups of points in order, with an optional fitted
// line from fit[0] to fit[1]; links maps point labels to pages.
func scatterChart(id, title string, x, y axis, groups map[string][]point, order []string, fit *[2][2]float64, links map[string]string) Chart {
	total := 0
	for _, g := range groups {
		total += len(g)
	}
	if total == 0 {
		return emptyChart(id, title)
	}
	s := charts.NewScatter()
	s.SetGlobalOptions(baseOpts(len(order) > 1)...)
	s.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(opts.XAxis{Name: x.name, Type: "value", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: y.name, Type: "value", Scale: opts.Bool(true)}),
	)
	for _, name := range order {
		pts := groups[name]
		data := make([]opts.ScatterData, len(pts))
		for i, p := range pts {
			data[i] = opts.ScatterData{Name: p.label, Value: []float64{round(p.x), round(p.y)}, SymbolSize: 6}
		}
		s.AddSeries(name, data)
	}
	if fit != nil {
		line := charts.NewLine()
		line.AddSeries("fitted line", []opts.LineData{
			{Value: []float64{round(fit[0][0]), round(fit[0][1])}},
			{Value: []float64{round(fit[1][0]), round(fit[1][1])}},
		}, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false)}))
		s.Overlap(line)
	}
	return newChart(id, title, 360, s, links, withUnits([]unit{x.unit}, []unit{y.unit}))
}

// round keeps charts' JSON short without changing what anyone can read.
func round(v float64) float64 {
	if v == 0 {
		return 0
	}
	const scale = 1e4
	if v > 1e4 || v < -1e4 {
		return float64(int64(v*100+0.5*sign(v))) / 100
	}
	return float64(int64(v*scale+0.5*sign(v))) / scale
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
