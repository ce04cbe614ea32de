package dashboard

import (
	"encoding/json"
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

// newChart turns a go-echarts chart into a Chart. links maps data names to
// dashboard paths a click on that item opens; anything not starting with
// "/" is dropped, so data cannot become a javascript: URL.
func newChart(id, title string, height int, c optioned, links map[string]string) Chart {
	c.Validate()
	obj := c.JSON()
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

// barChart draws series over categories; horizontal puts the categories
// on the y axis (for long labels).
func barChart(id, title string, categories []string, ss []series, horizontal bool, yName string) Chart {
	if len(categories) == 0 {
		return emptyChart(id, title)
	}
	b := charts.NewBar()
	b.SetGlobalOptions(baseOpts(len(ss) > 1)...)
	if horizontal {
		b.SetGlobalOptions(
			charts.WithXAxisOpts(opts.XAxis{Name: yName, Type: "value"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: categories}),
		)
	} else {
		b.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: yName, Type: "value"}))
		b.SetXAxis(categories)
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
	return newChart(id, title, 320, b, nil)
}

func lineChart(id, title string, categories []string, ss []series, yName string) Chart {
	if len(categories) == 0 {
		return emptyChart(id, title)
	}
	l := charts.NewLine()
	l.SetGlobalOptions(baseOpts(len(ss) > 1)...)
	l.SetGlobalOptions(charts.WithYAxisOpts(opts.YAxis{Name: yName, Type: "value"}))
	l.SetXAxis(categories)
	for _, s := range ss {
		data := make([]opts.LineData, len(s.values))
		for i, v := range s.values {
			data[i] = opts.LineData{Value: round(v)}
		}
		l.AddSeries(s.name, data, charts.WithLineChartOpts(opts.LineChart{Smooth: opts.Bool(false), ShowSymbol: opts.Bool(len(categories) < 60)}))
	}
	return newChart(id, title, 320, l, nil)
}

// point is one dot of a scatter chart.
type point struct {
	x, y  float64
	label string
}

// scatterChart draws groups of points in order, with an optional fitted
// line from fit[0] to fit[1]; links maps point labels to pages.
func scatterChart(id, title, xName, yName string, groups map[string][]point, order []string, fit *[2][2]float64, links map[string]string) Chart {
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
		charts.WithXAxisOpts(opts.XAxis{Name: xName, Type: "value", Scale: opts.Bool(true)}),
		charts.WithYAxisOpts(opts.YAxis{Name: yName, Type: "value", Scale: opts.Bool(true)}),
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
	return newChart(id, title, 360, s, links)
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
