package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

type sqlPage struct {
	Query   string
	Schema  []schemaModel
	Result  *wh.Rows
	Error   string
	Page    int
	HasNext bool
	Chart   Chart
	Kind    string
	X, Y    string
}

type schemaModel struct {
	Name, Layer, Grain, Description string
	Columns                         []record
}

func (s *Server) sqlPage(c echo.Context) error {
	p := sqlPage{Query: "SELECT segment, count(*) AS deals, avg(discount_pct) AS mean_discount\nFROM deal_discounts\nGROUP BY segment\nORDER BY segment", Kind: "bar"}
	if err := s.schema(c.Request().Context(), &p); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "sql", "SQL", "sql", p)
}

func (s *Server) schema(ctx context.Context, p *sqlPage) error {
	rows, err := s.run(ctx, "schema", Filters{}, nil)
	if err != nil {
		return err
	}
	for _, r := range records(rows) {
		if n := len(p.Schema); n == 0 || p.Schema[n-1].Name != r.str("name") {
			p.Schema = append(p.Schema, schemaModel{Name: r.str("name"), Layer: r.str("layer"), Grain: r.str("grain"), Description: r.str("description")})
		}
		m := &p.Schema[len(p.Schema)-1]
		m.Columns = append(m.Columns, r)
	}
	return nil
}

// analyst runs a person's statement sealed on the current generation
// (wh.Analyst) and writes it to the audit log.
func (s *Server) analyst(c echo.Context, action, q string, run func(ctx context.Context, a *wh.Analyst) (int64, error)) error {
	g, err := s.wh.acquire()
	if err != nil {
		return err
	}
	defer g.release()
	start := time.Now()
	n, err := run(c.Request().Context(), g.analyst)
	e := auditEntry{Time: start.UTC(), Client: c.RealIP(), Action: action, Statement: q, Rows: n, Millis: time.Since(start).Milliseconds()}
	if ses := sessionOf(c); ses != nil {
		e.User = ses.User
	}
	if err != nil {
		e.Error = err.Error()
	}
	s.audit.write(e)
	return err
}

func (s *Server) sqlRun(c echo.Context) error {
	p := sqlPage{Query: c.FormValue("query"), Kind: c.FormValue("chart"), X: c.FormValue("x"), Y: c.FormValue("y")}
	page, err := pageParam(c.FormValue("page"))
	if err != nil {
		return err
	}
	p.Page = page
	if err := s.schema(c.Request().Context(), &p); err != nil {
		return err
	}
	status := http.StatusOK
	if strings.TrimSpace(p.Query) == "" {
		p.Error = "Write a query first."
		return s.render(c, http.StatusBadRequest, "sql", "SQL", "sql", p)
	}
	var rows *wh.Rows
	err = s.analyst(c, "query", p.Query, func(ctx context.Context, a *wh.Analyst) (int64, error) {
		var err error
		rows, err = a.Query(ctx, p.Query, wh.Window{Offset: (p.Page - 1) * pageSize, Rows: pageSize, Bytes: s.opts.ResultBytes})
		if err != nil {
			return 0, err
		}
		return int64(len(rows.Values)), nil
	})
	if err != nil {
		p.Error = err.Error()
		status = http.StatusBadRequest
	} else {
		p.Result, p.HasNext = rows, rows.Truncated
		p.Chart = resultChart(rows, p.Kind, p.X, p.Y)
	}
	return s.render(c, status, "sql", "SQL", "sql", p)
}

// sqlExport downloads a query's whole result (up to the row cap and the
// export byte budget) as CSV or Parquet.
func (s *Server) sqlExport(c echo.Context) error {
	q := c.FormValue("query")
	format := c.FormValue("format")
	if format != "csv" && format != "parquet" {
		return echo.NewHTTPError(http.StatusBadRequest, "format: want csv or parquet")
	}
	if format == "csv" {
		var rows *wh.Rows
		err := s.analyst(c, "export csv", q, func(ctx context.Context, a *wh.Analyst) (int64, error) {
			var err error
			rows, err = a.Query(ctx, q, wh.Window{Rows: s.opts.RowCap, Bytes: s.opts.ExportBytes})
			if err != nil {
				return 0, err
			}
			return int64(len(rows.Values)), nil
		})
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		return writeCSV(c, "query.csv", rows)
	}
	// Write to memory first, so a failing query is an error page, not a
	// broken download.
	var buf bytes.Buffer
	err := s.analyst(c, "export parquet", q, func(ctx context.Context, a *wh.Analyst) (int64, error) {
		return a.WriteParquet(ctx, q, &buf, int64(s.opts.RowCap), s.opts.ExportBytes)
	})
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	return sendParquet(c, "query.parquet", buf.Bytes())
}

// writeParquet streams a dashboard query's result (a model of the API) as
// a Parquet download, within the export byte budget.
func (s *Server) writeParquet(c echo.Context, name, q string, args ...any) error {
	g, err := s.wh.acquire()
	if err != nil {
		return err
	}
	defer g.release()
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.opts.QueryTimeout)
	defer cancel()
	var buf bytes.Buffer
	if _, err := wh.WriteParquet(ctx, g.db, q, &buf, int64(s.opts.RowCap), args...); err != nil {
		return err
	}
	if int64(buf.Len()) > s.opts.ExportBytes {
		return echo.NewHTTPError(http.StatusBadRequest, (&wh.TooLargeError{Limit: s.opts.ExportBytes}).Error())
	}
	return sendParquet(c, name, buf.Bytes())
}

func sendParquet(c echo.Context, name string, b []byte) error {
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/vnd.apache.parquet", b)
}

// resultChart charts two columns of a result: bar, line or scatter.
func resultChart(rows *wh.Rows, kind, x, y string) Chart {
	xi, yi := slices.Index(rows.Columns, x), slices.Index(rows.Columns, y)
	if xi < 0 || yi < 0 || len(rows.Values) == 0 {
		return Chart{Empty: true}
	}
	title := fmt.Sprintf("%s by %s", y, x)
	switch kind {
	case "scatter":
		var pts []point
		for _, r := range rows.Values {
			pts = append(pts, point{x: num(r[xi]), y: num(r[yi])})
		}
		return scatterChart("result", title, x, y, map[string][]point{y: pts}, []string{y}, nil, nil)
	case "line":
		cats, vals := columnSeries(rows, xi, yi)
		return lineChart("result", title, cats, []series{{name: y, values: vals}}, y)
	}
	cats, vals := columnSeries(rows, xi, yi)
	return barChart("result", title, cats, []series{{name: y, values: vals}}, false, y)
}

func columnSeries(rows *wh.Rows, xi, yi int) ([]string, []float64) {
	var cats []string
	var vals []float64
	for _, r := range rows.Values {
		cats = append(cats, wh.Format(r[xi], rows.Types[xi]))
		v := num(r[yi])
		if v != v {
			v = 0
		}
		vals = append(vals, v)
	}
	return cats, vals
}
