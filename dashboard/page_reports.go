package dashboard

import (
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/report"
)

type reportsPage struct {
	Reports []reportRow
}

// reportRow is one archived report in the list: its ARR at high renewal
// risk and the change from the previous report archived.
type reportRow struct {
	Week    report.Week
	Read    bool    // its report.json could be read
	AtRisk  float64 // arr_at_risk_90d at the week's end
	Change  string  // against the previous report; "" for the first
	Up      bool
	Summary string // the summary's first sentence, if the report has one
}

func (s *Server) reports(c echo.Context) error {
	weeks, err := report.List(s.opts.Data.Reports())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "reports", "Weekly reports", "reports", reportsPage{Reports: reportRows(s.opts.Data.Reports(), weeks)})
}

// reportRows reads the archived reports of weeks (newest first) and
// compares each one's ARR at high risk with the report before it.
func reportRows(dir string, weeks []report.Week) []reportRow {
	rows := make([]reportRow, len(weeks))
	for i, w := range weeks {
		rows[i].Week = w
		r, err := report.Dir(dir, w).Read()
		if err != nil {
			continue
		}
		rows[i].Read, rows[i].AtRisk = true, r.AtRisk
		if len(r.Summary) > 0 {
			rows[i].Summary = r.Summary[0]
		}
	}
	for i := range rows {
		if i+1 >= len(rows) || !rows[i].Read || !rows[i+1].Read {
			continue
		}
		prev := report.Report{AtRisk: rows[i].AtRisk, AtRiskWas: rows[i+1].AtRisk}
		rows[i].Change, rows[i].Up = prev.AtRiskChange(), rows[i].AtRisk > rows[i+1].AtRisk+0.5
	}
	return rows
}

type reportPage struct {
	R      *report.Report
	Counts Chart
	ARR    Chart
	Sent   report.Ledger
	Tables []report.View
}

// report shows an archived weekly report with interactive charts.
func (s *Server) report(c echo.Context) error {
	w, err := report.ParseWeek(c.Param("week"))
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, err.Error())
	}
	a := report.Dir(s.opts.Data.Reports(), w)
	r, err := a.Read()
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound, "no report for "+w.String())
	}
	p := reportPage{R: r}
	p.Sent, _ = a.Ledger()
	for _, t := range r.Tables {
		p.Tables = append(p.Tables, t.View(0, func(id string) string { return "/accounts/" + url.PathEscape(id) }))
	}
	var labels []string
	var this, prev []float64
	for _, c := range r.Counts {
		labels = append(labels, c.Label)
		this, prev = append(this, float64(c.This)), append(prev, float64(c.Prev))
	}
	p.Counts = barChart("counts", "This week against the week before", labels, []series{{name: "week before", values: prev}, {name: r.Week, values: this}}, true, axis{name: "count", unit: unitCount})
	var tiers []string
	var arrThis, arrPrev []float64
	for _, t := range r.ARR {
		tiers = append(tiers, t.Tier)
		arrThis, arrPrev = append(arrThis, t.This), append(arrPrev, t.Prev)
	}
	p.ARR = barChart("arr", "ARR renewing within 90 days, by risk tier", tiers, []series{{name: "at the previous week's end", values: arrPrev}, {name: "at this week's end", values: arrThis}}, false, axis{name: "ARR", unit: unitUSD})
	return s.render(c, http.StatusOK, "report", "Weekly report "+r.Week, "reports", p)
}

// reportFileRe names the files a report's folder may hold.
var reportFileRe = regexp.MustCompile(`^(report\.(html|txt|json)|[a-z_]+\.(csv|png))$`)

// reportFile serves one file of an archived report (the self-contained
// HTML, the CSVs, the charts).
func (s *Server) reportFile(c echo.Context) error {
	w, err := report.ParseWeek(c.Param("week"))
	name := c.Param("name")
	if err != nil || !reportFileRe.MatchString(name) {
		return echo.NewHTTPError(http.StatusNotFound, "no such report file")
	}
	path := filepath.Join(string(report.Dir(s.opts.Data.Reports(), w)), name)
	if filepath.Ext(name) == ".csv" {
		c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+w.String()+"-"+name+`"`)
	}
	if filepath.Ext(name) == ".html" {
		// The archived report carries its own inline styles and images.
		c.Response().Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	}
	return c.File(path)
}
