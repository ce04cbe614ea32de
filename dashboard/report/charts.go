package report

import (
	"fmt"
	"math"

	"github.com/go-analyze/charts"

	"github.com/precedent-dev/precedent/dashboard/format"
)

// Image is a chart rendered to PNG for mail clients, which run no JavaScript.
type Image struct {
	Name  string // file name, also the content ID in mail
	Title string
	Unit  string // what the values count, said beside the title
	PNG   []byte
}

// images renders the report's static charts.
func (r *Report) images() ([]Image, error) {
	var labels []string
	this, prev := make([]float64, len(r.Counts)), make([]float64, len(r.Counts))
	for i, c := range r.Counts {
		labels = append(labels, c.Label)
		this[i], prev[i] = float64(c.This), float64(c.Prev)
	}
	countsPNG, err := bars(barOption(labels, [][]float64{prev, this}, []string{"previous week", r.Week}, true, countAxis), 720, 380)
	if err != nil {
		return nil, fmt.Errorf("counts chart: %w", err)
	}
	var tiers []string
	var arrThis, arrPrev []float64
	for _, t := range r.ARR {
		tiers = append(tiers, t.Tier+" risk")
		arrThis, arrPrev = append(arrThis, t.This), append(arrPrev, t.Prev)
	}
	arrPNG, err := bars(barOption(tiers, [][]float64{arrPrev, arrThis}, []string{"at the previous week's end", "at this week's end"}, false, moneyAxis), 720, 320)
	if err != nil {
		return nil, fmt.Errorf("ARR chart: %w", err)
	}
	return []Image{
		{Name: "counts.png", Title: "Events this week against the week before", Unit: "number of events", PNG: countsPNG},
		{Name: "arr.png", Title: "ARR renewing within 90 days, by risk tier", Unit: "US dollars", PNG: arrPNG},
	}, nil
}

// barOption is a chart of grouped bars whose value axis starts at zero, so
// a small value is never drawn as no bar, and writes its values in their
// unit (unit: moneyAxis, countAxis).
func barOption(categories []string, values [][]float64, names []string, horizontal bool, unit charts.ValueFormatter) charts.BarChartOption {
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = horizontal
	opt.CategoryAxis.Labels = categories
	for i := range opt.ValueAxis {
		opt.ValueAxis[i].Min = charts.Ptr(0.0)
		opt.ValueAxis[i].ValueFormatter = unit
	}
	opt.ValueFormatter = unit
	opt.Legend.SeriesNames = names
	opt.Legend.Show = charts.Ptr(true)
	return opt
}

// moneyAxis writes an axis value as money, shortly: $40M, $1.5M, $250k.
func moneyAxis(v float64) string { return format.MoneyAxis(v) }

// countAxis writes an axis value as a count: 12, 1,250; a tick between
// whole numbers keeps one decimal.
func countAxis(v float64) string {
	if v != math.Trunc(v) {
		return fmt.Sprintf("%.1f", v)
	}
	return format.Count(v)
}

// bars draws opt as a PNG.
func bars(opt charts.BarChartOption, width, height int) ([]byte, error) {
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: height})
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}
