package dashboard

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/format"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

type sqlPage struct {
	Query   string
	Schema  []schemaModel
	Result  *wh.Rows
	Table   resultTable
	Error   string
	Page    int
	HasNext bool
	Chart   Chart
	Kind    string
	X, Y    string
	Link    string // this query as a link: GET /sql?q=...
}

type schemaModel struct {
	Name, Layer, Grain, Description string
	Columns                         []record
}

// sqlPage shows the SQL page; with q in the URL (/sql?q=SELECT...) it runs
// that query as a POST would, so a query can be shared as a link. Both
// need the analyst role; a GET changes nothing, so it needs no CSRF token.
func (s *Server) sqlPage(c echo.Context) error {
	if c.QueryParams().Has("q") {
		return s.sqlAnswer(c, sqlPage{Query: c.QueryParam("q"), Kind: c.QueryParam("chart"), X: c.QueryParam("x"), Y: c.QueryParam("y")}, c.QueryParam("page"))
	}
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
	return s.sqlAnswer(c, sqlPage{Query: c.FormValue("query"), Kind: c.FormValue("chart"), X: c.FormValue("x"), Y: c.FormValue("y")}, c.FormValue("page"))
}

// sqlAnswer runs the page's query (from the form or the URL) sealed and
// shows one page of its result, charted.
func (s *Server) sqlAnswer(c echo.Context, p sqlPage, pageValue string) error {
	page, err := pageParam(pageValue)
	if err != nil {
		return err
	}
	p.Page = page
	if p.Kind != "line" && p.Kind != "scatter" {
		p.Kind = "bar"
	}
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
		p.X, p.Y = chartAxes(rows, p.X, p.Y)
		p.Chart = resultChart(rows, p.Kind, p.X, p.Y)
		p.Table = newResultTable(rows)
	}
	p.Link = sqlLink(p)
	return s.render(c, status, "sql", "SQL", "sql", p)
}

// sqlLink is the page's query, chart and page as a URL of this server.
func sqlLink(p sqlPage) string {
	v := url.Values{"q": {p.Query}}
	if p.Kind != "" && p.Kind != "bar" {
		v.Set("chart", p.Kind)
	}
	if p.X != "" {
		v.Set("x", p.X)
	}
	if p.Y != "" {
		v.Set("y", p.Y)
	}
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	return "/sql?" + v.Encode()
}

// chartAxes keeps the axes asked for when the result has them, and picks
// the others: x is the first text or date column, y the first numeric
// column other than x.
func chartAxes(rows *wh.Rows, x, y string) (string, string) {
	if !slices.Contains(rows.Columns, x) {
		x = ""
		for i, t := range rows.Types {
			if textType(t) || dateType(t) {
				x = rows.Columns[i]
				break
			}
		}
		if x == "" && len(rows.Columns) > 0 {
			x = rows.Columns[0]
		}
	}
	if !slices.Contains(rows.Columns, y) {
		y = ""
		for i, t := range rows.Types {
			if numericType(t) && rows.Columns[i] != x {
				y = rows.Columns[i]
				break
			}
		}
		if y == "" && len(rows.Columns) > 0 {
			y = rows.Columns[len(rows.Columns)-1]
		}
	}
	return x, y
}

// baseType is a DuckDB type name without its parameters: DECIMAL(18,2)
// -> DECIMAL.
func baseType(t string) string {
	b, _, _ := strings.Cut(t, "(")
	return strings.TrimSpace(b)
}

func numericType(t string) bool {
	switch baseType(t) {
	case "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
		"FLOAT", "DOUBLE", "DECIMAL":
		return true
	}
	return false
}

func integerType(t string) bool {
	return numericType(t) && baseType(t) != "FLOAT" && baseType(t) != "DOUBLE" && baseType(t) != "DECIMAL"
}

func textType(t string) bool { return baseType(t) == "VARCHAR" || baseType(t) == "ENUM" }

func dateType(t string) bool {
	return strings.HasPrefix(baseType(t), "DATE") || strings.HasPrefix(baseType(t), "TIMESTAMP")
}

// resultTable is a query's result formatted for people: numbers
// right-aligned, with thousands separators, money with two decimals,
// other fractions with at most four.
type resultTable struct {
	Columns []resultColumn
	Rows    [][]string
}

type resultColumn struct {
	Name    string
	Numeric bool
}

func newResultTable(rows *wh.Rows) resultTable {
	t := resultTable{Columns: make([]resultColumn, len(rows.Columns)), Rows: make([][]string, len(rows.Values))}
	for i, name := range rows.Columns {
		t.Columns[i] = resultColumn{Name: name, Numeric: numericType(rows.Types[i])}
	}
	for r, row := range rows.Values {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = cellText(resultCell(v, rows.Columns[i], rows.Types[i]))
		}
		t.Rows[r] = cells
	}
	return t
}

// resultCell formats one value of a result for the SQL page.
func resultCell(v any, name, typ string) string {
	if v == nil {
		return ""
	}
	if !numericType(typ) {
		return wh.Format(v, typ)
	}
	switch {
	case integerType(typ):
		return format.Group(fmt.Sprint(v))
	case moneyColumn(name, typ):
		return format.Fixed(num(v), 2)
	case baseType(typ) == "DECIMAL":
		return format.Group(fmt.Sprint(v)) // exact
	}
	return format.Decimal(num(v), 4)
}

// moneyWords are the words of a column name that say it holds money.
var moneyWords = []string{"arr", "acv", "tcv", "mrr", "amount", "revenue", "price", "usd", "cost", "invoiced", "billed",
	"paid", "contracted", "leakage", "value", "dollars", "spend", "ltv", "bookings"}

// moneyColumn says whether a numeric column holds money: a DECIMAL with
// two decimals, or a name with a money word (arr_at_risk, list_price).
func moneyColumn(name, typ string) bool {
	if strings.HasSuffix(strings.ReplaceAll(typ, " ", ""), ",2)") && baseType(typ) == "DECIMAL" {
		return true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == ' ' || r == '-' }) {
		if slices.Contains(moneyWords, w) {
			return true
		}
	}
	return false
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
		return scatterChart("result", title, axis{name: x}, axis{name: y}, map[string][]point{y: pts}, []string{y}, nil, nil)
	case "line":
		cats, vals := columnSeries(rows, xi, yi)
		return lineChart("result", title, cats, []series{{name: y, values: vals}}, axis{name: y})
	}
	cats, vals := columnSeries(rows, xi, yi)
	return barChart("result", title, cats, []series{{name: y, values: vals}}, false, axis{name: y})
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
