package dashboard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

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

var selectRe = regexp.MustCompile(`(?is)^\s*(select|with|from|values|table)\b`)

// pageable wraps a query so one page of it can be read; other statements
// (SHOW, DESCRIBE, PRAGMA...) run as written, capped.
func pageable(q string, limit, offset int) (string, bool) {
	q = strings.TrimRight(strings.TrimSpace(q), ";")
	if !selectRe.MatchString(q) {
		return q, false
	}
	return fmt.Sprintf("SELECT * FROM (\n%s\n) AS analyst_query LIMIT %d OFFSET %d", q, limit, offset), true
}

// analystQuery runs q on the sandbox with the statement timeout.
func (s *Server) analystQuery(ctx context.Context, q string, maxRows int) (*wh.Rows, error) {
	rows, err := s.query(ctx, q, maxRows)
	return rows, s.explain(ctx, err)
}

// explain turns refusals and timeouts into sentences.
func (s *Server) explain(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("the query was stopped after %s", s.opts.QueryTimeout)
	}
	if msg := wh.Refusal(err); msg != "" {
		return errors.New(msg)
	}
	return errors.New(wh.Message(err))
}

func (s *Server) sqlRun(c echo.Context) error {
	p := sqlPage{Query: c.FormValue("query"), Page: pageOf(c.FormValue("page")), Kind: c.FormValue("chart"), X: c.FormValue("x"), Y: c.FormValue("y")}
	if err := s.schema(c.Request().Context(), &p); err != nil {
		return err
	}
	status := http.StatusOK
	if strings.TrimSpace(p.Query) == "" {
		p.Error = "Write a query first."
		return s.render(c, http.StatusBadRequest, "sql", "SQL", "sql", p)
	}
	q, paged := pageable(p.Query, pageSize+1, (p.Page-1)*pageSize)
	limit := pageSize + 1
	if !paged {
		limit = s.opts.RowCap
	}
	rows, err := s.analystQuery(c.Request().Context(), q, limit)
	if err != nil {
		p.Error = err.Error()
		status = http.StatusBadRequest
	} else {
		if paged && len(rows.Values) > pageSize {
			rows.Values, p.HasNext = rows.Values[:pageSize], true
		}
		p.Result = rows
		p.Chart = resultChart(rows, p.Kind, p.X, p.Y)
	}
	return s.render(c, status, "sql", "SQL", "sql", p)
}

// sqlExport downloads a query's whole result (up to the row cap) as CSV or Parquet.
func (s *Server) sqlExport(c echo.Context) error {
	q := strings.TrimRight(strings.TrimSpace(c.FormValue("query")), ";")
	switch c.FormValue("format") {
	case "csv":
		rows, err := s.analystQuery(c.Request().Context(), q, s.opts.RowCap)
		if err != nil {
			return echo.NewHTTPError(http.StatusBadRequest, err.Error())
		}
		return writeCSV(c, "query.csv", rows)
	case "parquet":
		return s.writeParquet(c, "query.parquet", q)
	}
	return echo.NewHTTPError(http.StatusBadRequest, "format: want csv or parquet")
}

// writeParquet streams a query's result as a Parquet download.
func (s *Server) writeParquet(c echo.Context, name, q string, args ...any) error {
	g, err := s.wh.acquire()
	if err != nil {
		return err
	}
	defer g.release()
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.opts.QueryTimeout)
	defer cancel()
	// Write to memory first, so a failing query is an error page, not a
	// broken download.
	var buf bytes.Buffer
	if _, err := wh.WriteParquet(ctx, g.db, q, &buf, int64(s.opts.RowCap), args...); err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, s.explain(ctx, err).Error())
	}
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Blob(http.StatusOK, "application/vnd.apache.parquet", buf.Bytes())
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
