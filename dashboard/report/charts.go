package report

import (
	"fmt"

	"github.com/go-analyze/charts"
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
	countsPNG, err := bars(labels, [][]float64{prev, this}, []string{"previous week", r.Week}, true, 720, 380)
	if err != nil {
		return nil, fmt.Errorf("counts chart: %w", err)
	}
	var tiers []string
	var arrThis, arrPrev []float64
	for _, t := range r.ARR {
		tiers = append(tiers, t.Tier+" risk")
		arrThis, arrPrev = append(arrThis, t.This), append(arrPrev, t.Prev)
	}
	arrPNG, err := bars(tiers, [][]float64{arrPrev, arrThis}, []string{"at the previous week's end", "at this week's end"}, false, 720, 320)
	if err != nil {
		return nil, fmt.Errorf("ARR chart: %w", err)
	}
	return []Image{
		{Name: "counts.png", Title: "Events this week against the week before", Unit: "number of events", PNG: countsPNG},
		{Name: "arr.png", Title: "ARR renewing within 90 days, by risk tier", Unit: "US dollars", PNG: arrPNG},
	}, nil
}

// bars draws grouped bars; the value axis starts at zero so a small value
// is never drawn as no bar.
func bars(categories []string, values [][]float64, names []string, horizontal bool, width, height int) ([]byte, error) {
	opt := charts.NewBarChartOptionWithData(values)
	opt.Horizontal = horizontal
	opt.CategoryAxis.Labels = categories
	for i := range opt.ValueAxis {
		opt.ValueAxis[i].Min = charts.Ptr(0.0)
	}
	opt.Legend.SeriesNames = names
	opt.Legend.Show = charts.Ptr(true)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: width, Height: height})
	if err := p.BarChart(opt); err != nil {
		return nil, err
	}
	return p.Bytes()
}
