package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// apiMetrics returns the headline metrics. They are company-wide: a
// filter is answered 400, never ignored.
func (s *Server) apiMetrics(c echo.Context) error {
	if _, err := s.apiFilters(c, nil); err != nil {
		return err
	}
	rows, err := s.run(c.Request().Context(), "metrics", Filters{}, nil)
	if err != nil {
		return err
	}
	g, _ := s.wh.current()
	return c.JSON(http.StatusOK, map[string]any{"generation": g.ID, "metrics": records(rows)})
}

// apiModels lists the models the API serves, with their grain, key,
// description, rows and columns, and the formats the caller may ask for.
func (s *Server) apiModels(c echo.Context) error {
	rows, err := s.run(c.Request().Context(), "api_models", Filters{}, nil)
	if err != nil {
		return err
	}
	type apiColumn struct {
		Name        string `json:"name"`
		Type        string `json:"type"`
		Description string `json:"description"`
	}
	type apiModel struct {
		Name        string      `json:"name"`
		Layer       string      `json:"layer"`
		Grain       string      `json:"grain"`
		Key         []string    `json:"key"`
		Description string      `json:"description"`
		Rows        any         `json:"rows"`
		URL         string      `json:"url"`
		Columns     []apiColumn `json:"columns"`
		Filters     []string    `json:"filters"` // the filters it applies (modelFilters)
	}
	models := []apiModel{}
	for _, r := range records(rows) {
		if n := len(models); n == 0 || models[n-1].Name != r.str("name") {
			models = append(models, apiModel{Name: r.str("name"), Layer: r.str("layer"), Grain: r.str("grain"), Key: modelKey(r["key"]),
				Description: r.str("description"), Rows: r["row_count"], URL: "/api/v1/models/" + url.PathEscape(r.str("name"))})
		}
		m := &models[len(models)-1]
		m.Columns = append(m.Columns, apiColumn{Name: r.str("column_name"), Type: r.str("data_type"), Description: r.str("column_doc")})
	}
	for i, m := range models {
		names := make([]string, len(m.Columns))
		for j, col := range m.Columns {
			names[j] = col.Name
		}
		models[i].Filters = append([]string{}, modelFilters(names)...)
	}
	formats := []string{"json"}
	if ses := sessionOf(c); ses != nil && ses.Role.Allows("analyst") {
		formats = append(formats, "csv", "parquet")
	}
	g, _ := s.wh.current()
	return c.JSON(http.StatusOK, map[string]any{"generation": g.ID, "formats": formats, "models": models})
}

// modelKey reads a model's key (a list of column names) from the catalog.
func modelKey(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, e := range list {
		if e != nil {
			out = append(out, fmt.Sprint(e))
		}
	}
	return out
}

// apiFilters checks the request's filters against those a model applies
// (applies): an unknown or malformed value, or a filter the model does not
// apply, is a *filterError, answered 400 with the allowed values.
func (s *Server) apiFilters(c echo.Context, applies []string) (Filters, error) {
	f, problems := s.checkRequestFilters(c, applies)
	if len(problems) == 0 {
		return f, nil
	}
	for i := range problems {
		if problems[i].Ignored {
			problems[i].Allowed = applies
		}
		if problems[i].Allowed == nil {
			problems[i].Allowed = []string{}
		}
	}
	return f, &filterError{problems: problems}
}

// apiModel serves one mart or analyst's model, filtered by the same
// filters as the pages (where the model has the column), ordered by its
// key, paged, as JSON, CSV (analysts) or Parquet (analysts). CSV and
// Parquet pages default to the row cap (everything, up to the cap); the
// X-Page, X-Page-Size and X-Has-More headers say which rows they hold.
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
	i := slices.IndexFunc(names.Values, func(r []any) bool { return fmt.Sprint(r[0]) == name })
	if i < 0 {
		return echo.NewHTTPError(http.StatusNotFound, "no mart named "+name)
	}
	q, args, f, err := s.modelQuery(c, name, modelKey(names.Values[i][2]))
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
		if format != "json" {
			size = s.opts.RowCap
		}
	}
	size = min(size, s.opts.RowCap)
	offset := (page - 1) * size
	switch format {
	case "csv":
		rows, err := s.query(ctx, paged(q, size+1, offset), wh.Limits{Bytes: s.opts.ExportBytes}, args...)
		if err != nil {
			return err
		}
		more := len(rows.Values) > size
		if more {
			rows.Values = rows.Values[:size]
		}
		pageHeaders(c, page, size, more)
		return writeCSV(c, name+".csv", rows)
	case "parquet":
		more, err := s.query(ctx, "SELECT EXISTS ("+paged(q, 1, offset+size)+") AS more", wh.Limits{}, args...)
		if err != nil {
			return err
		}
		pageHeaders(c, page, size, more.Values[0][0] == true)
		return s.writeParquet(c, name+".parquet", paged(q, size, offset), args...)
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
	rows, err := s.query(ctx, paged(q, size+1, offset), wh.Limits{Bytes: s.opts.ResultBytes}, args...)
	if err != nil {
		return err
	}
	more := len(rows.Values) > size
	if more {
		rows.Values = rows.Values[:size]
	}
	b, err := json.Marshal(map[string]any{
		"model": name, "generation": g.ID, "page": page, "page_size": size, "has_more": more,
		"columns": rows.Columns, "rows": apiRecords(rows),
	})
	if err != nil {
		return err
	}
	s.apiAnswers.put(g.ID, key, b)
	return c.JSONBlob(http.StatusOK, b)
}

// apiPageSize is the API's JSON page size when none is asked for.
const apiPageSize = 1000

// paged selects rows offset+1 to offset+n of an ordered query.
func paged(q string, n, offset int) string {
	return q + " LIMIT " + strconv.Itoa(n) + " OFFSET " + strconv.Itoa(offset)
}

// pageHeaders says which rows a CSV or Parquet answer holds.
func pageHeaders(c echo.Context, page, size int, more bool) {
	h := c.Response().Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Page-Size", strconv.Itoa(size))
	h.Set("X-Has-More", strconv.FormatBool(more))
}

// apiRecords are the rows for JSON: dates as dates, floats rounded to the
// digits they mean, nested values likewise (wh.JSONValue).
func apiRecords(r *wh.Rows) []record {
	out := records(r)
	for _, rec := range out {
		for i, col := range r.Columns {
			rec[col] = wh.JSONValue(rec[col], r.Types[i])
		}
	}
	return out
}

// modelQuery selects a model with the request's filters, which must be
// among those the model applies (modelFilters), ordered by its key (every
// column when it has none), so pages follow one another.
func (s *Server) modelQuery(c echo.Context, name string, key []string) (string, []any, Filters, error) {
	cols, err := s.run(c.Request().Context(), "model_columns", Filters{}, map[string]any{"model": name})
	if err != nil {
		return "", nil, Filters{}, err
	}
	var names []string
	for _, r := range cols.Values {
		names = append(names, fmt.Sprint(r[0]))
	}
	applies := modelFilters(names)
	f, err := s.apiFilters(c, applies)
	if err != nil {
		return "", nil, Filters{}, err
	}
	var where []string
	var args []any
	for _, p := range applies {
		v := f.get(p)
		if v == "" {
			continue
		}
		fl := filterNamed(p)
		where = append(where, wh.Ident(fl.Column)+" "+fl.Op+" ?")
		args = append(args, v)
	}
	q := "SELECT * FROM " + wh.Ident(name)
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	order := "ALL"
	if len(key) > 0 {
		cols := make([]string, len(key))
		for i, k := range key {
			cols[i] = wh.Ident(k)
		}
		order = strings.Join(cols, ", ")
	}
	return q + " ORDER BY " + order, args, f, nil
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
