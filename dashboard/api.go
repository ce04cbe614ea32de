package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// apiMetrics returns the headline metrics.
func (s *Server) apiMetrics(c echo.Context) error {
	rows, err := s.run(c.Request().Context(), "metrics", Filters{}, nil)
	if err != nil {
		return err
	}
	g, _ := s.wh.current()
	return c.JSON(http.StatusOK, map[string]any{"generation": g.ID, "metrics": records(rows)})
}

// filterColumns maps the dashboard's filters to the columns they narrow.
var filterColumns = []struct{ param, column, op string }{
	{"segment", "segment", "="}, {"region", "region", "="}, {"team", "team", "="}, {"rep", "rep_id", "="},
	{"quarter_from", "fiscal_quarter", ">="}, {"quarter_to", "fiscal_quarter", "<="},
}

// apiModel serves one mart or analyst's model, filtered by the same
// filters as the pages (where the model has the column), paged, as JSON,
// CSV (analysts) or Parquet (analysts).
func (s *Server) apiModel(c echo.Context) error {
	ctx := c.Request().Context()
	name := c.Param("name")
	format := c.QueryParam("format")
	if format == "" {
		format = "json"
	}
	if !slices.Contains([]string{"json", "csv", "parquet"}, format) {
		return echo.NewHTTPError(http.StatusBadRequest, "format: want json, csv or parquet")
	}
	if format != "json" && !sessionOf(c).Role.Allows("analyst") {
		return echo.NewHTTPError(http.StatusForbidden, "exports need the analyst role")
	}
	names, err := s.run(ctx, "model_names", Filters{}, nil)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(names.Values, func(r []any) bool { return fmt.Sprint(r[0]) == name }) {
		return echo.NewHTTPError(http.StatusNotFound, "no mart named "+name)
	}
	f := parseFilters(c.QueryParams())
	q, args, err := s.modelQuery(ctx, name, f)
	if err != nil {
		return err
	}
	page, err := pageParam(c.QueryParam("page"))
	if err != nil {
		return err
	}
	// Larger page sizes are clamped to the row cap (the documented
	// maximum); the answer says which size it used.
	size, err := wholeParam("page_size", c.QueryParam("page_size"), 1, math.MaxInt32)
	if err != nil {
		return err
	}
	if c.QueryParam("page_size") == "" {
		size = apiPageSize
	}
	size = min(size, s.opts.RowCap)
	switch format {
	case "csv":
		rows, err := s.query(ctx, q, wh.Limits{Rows: s.opts.RowCap, Bytes: s.opts.ExportBytes}, args...)
		if err != nil {
			return err
		}
		return writeCSV(c, name+".csv", rows)
	case "parquet":
		return s.writeParquet(c, name+".parquet", q, args...)
	}
	// A JSON page depends only on the generation, the model, the filters
	// that apply, the page and its size: answer repeated calls from memory
	// until a new generation arrives. The key is built from those parsed
	// values alone, so parameters the API does not know cannot multiply
	// the entries.
	g, _ := s.wh.current()
	key := fmt.Sprintf("%s|%s|%d|%d", name, f.Values().Encode(), page, size)
	if b, ok := s.apiAnswers.get(g.ID, key); ok {
		return c.JSONBlob(http.StatusOK, b)
	}
	paged := q + " LIMIT " + strconv.Itoa(size+1) + " OFFSET " + strconv.Itoa((page-1)*size)
	rows, err := s.query(ctx, paged, wh.Limits{Bytes: s.opts.ResultBytes}, args...)
	if err != nil {
		return err
	}
	more := len(rows.Values) > size
	if more {
		rows.Values = rows.Values[:size]
	}
	b, err := json.Marshal(map[string]any{
		"model": name, "generation": g.ID, "page": page, "page_size": size, "has_more": more,
		"columns": rows.Columns, "rows": records(rows),
	})
	if err != nil {
		return err
	}
	s.apiAnswers.put(g.ID, key, b)
	return c.JSONBlob(http.StatusOK, b)
}

// apiPageSize is the API's page size when none is asked for.
const apiPageSize = 1000

// modelQuery selects a model with the filters that apply to its columns.
func (s *Server) modelQuery(ctx context.Context, name string, f Filters) (string, []any, error) {
	cols, err := s.run(ctx, "model_columns", Filters{}, map[string]any{"model": name})
	if err != nil {
		return "", nil, err
	}
	has := map[string]bool{}
	for _, r := range cols.Values {
		has[fmt.Sprint(r[0])] = true
	}
	params := f.params()
	var where []string
	var args []any
	for _, fc := range filterColumns {
		v, _ := params[fc.param].(string)
		if v == "" || !has[fc.column] {
			continue
		}
		where = append(where, wh.Ident(fc.column)+" "+fc.op+" ?")
		args = append(args, v)
	}
	q := "SELECT * FROM " + wh.Ident(name)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	return q, args, nil
}

// query runs a query on the current generation with the page timeout,
// keeping what fits in lim.
func (s *Server) query(ctx context.Context, q string, lim wh.Limits, args ...any) (*wh.Rows, error) {
	g, err := s.wh.acquire()
	if err != nil {
		return nil, err
	}
	defer g.release()
	ctx, cancel := context.WithTimeout(ctx, s.opts.QueryTimeout)
	defer cancel()
	return wh.QueryLimited(ctx, g.db, q, lim, args...)
}
