package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

type exceptionsPage struct {
	Summary    exceptionSummary
	Kinds      []record
	Kind       string
	Query      string
	Sort, Dir  string
	Rows       []record
	Pager      pager
	SortLinks  map[string]string
	ExportLink string
}

var sortKeys = []string{"date", "amount", "account", "kind", "severity"}

// exceptionParams reads the register's own filters from the URL.
func exceptionParams(c echo.Context) (kind, q, sortKey, dir string) {
	kind, q = clip(c.QueryParam("kind")), strings.TrimSpace(clip(c.QueryParam("q")))
	sortKey, dir = c.QueryParam("sort"), c.QueryParam("dir")
	if !slices.Contains(sortKeys, sortKey) {
		sortKey = "date"
	}
	if dir != "asc" {
		dir = "desc"
	}
	return
}

// exceptionFilters reads the register's filters and its kinds under them.
// An unknown kind is a filter problem like an unknown segment: the page
// shows it with the kinds allowed and answers 400, with any other filter
// problem of the request.
func (s *Server) exceptionFilters(c echo.Context, kind string) (Filters, []record, error) {
	f, err := s.filtersOf(c, "exceptions")
	fe, _ := errors.AsType[*filterError](err)
	if err != nil && fe == nil {
		return f, nil, err
	}
	// Every kind is listed, whatever the filters (the valid ones in f).
	rows, err := s.run(c.Request().Context(), "exception_kinds", f, nil)
	if err != nil {
		return f, nil, err
	}
	kinds := records(rows)
	if kind != "" && !slices.ContainsFunc(kinds, func(k record) bool { return k.str("kind") == kind }) {
		allowed := make([]string, len(kinds))
		for i, k := range kinds {
			allowed[i] = k.str("kind")
		}
		if fe == nil {
			fe = &filterError{page: "exceptions"}
		}
		fe.problems = append(fe.problems, filterProblem{Param: "kind", Value: shown(kind), Problem: "is not a kind of exception", Allowed: allowed})
	}
	if fe != nil {
		return f, nil, fe
	}
	return f, kinds, nil
}

func (s *Server) exceptions(c echo.Context) error {
	ctx := c.Request().Context()
	kind, q, sortKey, dir := exceptionParams(c)
	f, kinds, err := s.exceptionFilters(c, kind)
	if err != nil {
		return err
	}
	page, err := pageParam(c.QueryParam("page"))
	if err != nil {
		return err
	}
	rows, err := s.run(ctx, "exceptions", f, map[string]any{"kind": kind, "q": q, "sort": sortKey, "dir": dir, "limit": pageSize, "offset": (page - 1) * pageSize})
	if err != nil {
		return err
	}
	summary, err := s.run(ctx, "exception_summary", f, nil)
	if err != nil {
		return err
	}
	p := exceptionsPage{Summary: summarise(records(summary), func(k string) string {
		return withParams("/exceptions", f, "kind", k, "q", q, "sort", "severity", "dir", "desc")
	}), Kinds: kinds, Kind: kind, Query: q, Sort: sortKey, Dir: dir, Rows: records(rows), SortLinks: map[string]string{}}
	var total int64
	if len(p.Rows) > 0 {
		total = int64(p.Rows[0].num("total"))
	}
	link := func(kv ...string) string {
		base := []string{"kind", kind, "q", q, "sort", sortKey, "dir", dir}
		return withParams("/exceptions", f, append(base, kv...)...)
	}
	p.Pager = newPager(page, len(p.Rows), total, func(n int) string { return link("page", fmt.Sprint(n)) })
	for _, k := range sortKeys {
		d := "desc"
		if k == sortKey && dir == "desc" {
			d = "asc"
		}
		p.SortLinks[k] = link("sort", k, "dir", d)
	}
	p.ExportLink = withParams("/exceptions.csv", f, "kind", kind, "q", q, "sort", sortKey, "dir", dir)
	return s.render(c, http.StatusOK, "exceptions", "Exception register", "exceptions", p)
}

// kindNames name the register's kinds in words.
var kindNames = map[string]string{
	"discount_exception":     "Discount beyond policy",
	"late_quarter_exception": "Discount beyond policy, late in the quarter",
	"nonstandard_term":       "Non-standard contract term",
	"side_letter":            "Side letter",
	"custom_line":            "Custom quote line",
	"shared_billing_config":  "Billing config shared across accounts",
	"credit_note":            "Credit note",
}

// kindName names a kind in words, or returns it as it is.
func kindName(kind string) string {
	if n, ok := kindNames[kind]; ok {
		return n
	}
	return kind
}

// exceptionSummary is the register's first table: one row per kind with
// its rows by severity and its impact in dollars, and the totals.
type exceptionSummary struct {
	Kinds []kindSummary
	Total kindSummary
}

type kindSummary struct {
	Kind, Name, Definition string
	Link                   string // the register filtered to the kind, by severity
	N, High, Medium, Low   int64
	Impact                 float64
	Priced                 bool // the kind has a dollar impact
}

// summarise reads exception_summary's rows; link gives a kind's register.
func summarise(rows []record, link func(kind string) string) exceptionSummary {
	var s exceptionSummary
	for _, r := range rows {
		k := kindSummary{
			Kind: r.str("kind"), Name: kindName(r.str("kind")), Definition: r.str("impact_definition"), Link: link(r.str("kind")),
			N: int64(r.num("n")), High: int64(r.num("high")), Medium: int64(r.num("medium")), Low: int64(r.num("low")),
			Impact: r.num("impact"), Priced: r.has("impact"),
		}
		s.Kinds = append(s.Kinds, k)
		s.Total.N += k.N
		s.Total.High += k.High
		s.Total.Medium += k.Medium
		s.Total.Low += k.Low
		s.Total.Impact += k.Impact
	}
	s.Total.Priced = true
	return s
}

// exceptionsCSV downloads the whole filtered register (up to the row cap).
func (s *Server) exceptionsCSV(c echo.Context) error {
	kind, q, sortKey, dir := exceptionParams(c)
	f, _, err := s.exceptionFilters(c, kind)
	if err != nil {
		return err
	}
	rows, err := s.run(c.Request().Context(), "exceptions", f, map[string]any{"kind": kind, "q": q, "sort": sortKey, "dir": dir, "limit": s.opts.RowCap, "offset": 0})
	if err != nil {
		return err
	}
	return writeCSV(c, "exception_register.csv", dropColumn(rows, "total"))
}

// dropColumn returns rows without one column.
func dropColumn(r *wh.Rows, name string) *wh.Rows {
	i := slices.Index(r.Columns, name)
	if i < 0 {
		return r
	}
	out := &wh.Rows{Columns: slices.Delete(slices.Clone(r.Columns), i, i+1), Types: slices.Delete(slices.Clone(r.Types), i, i+1), Truncated: r.Truncated}
	for _, row := range r.Values {
		out.Values = append(out.Values, slices.Delete(slices.Clone(row), i, i+1))
	}
	return out
}

// writeCSV sends rows as a CSV download.
func writeCSV(c echo.Context, name string, rows *wh.Rows) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().WriteHeader(http.StatusOK)
	return rows.WriteCSV(c.Response())
}
