package dashboard

import (
	"context"
	"fmt"

	"github.com/labstack/echo/v4"
)

// filterOptions are the choices of the filter bar, from the warehouse.
type filterOptions struct {
	Segments []string
	Regions  []string
	Teams    []string
	Reps     []string
	Quarters []string
}

// filterOptions returns the filter bar's choices, converted from the
// query's rows once per generation (gen, read before the rows: rows from a
// newer generation are then kept under an older key, which the newer one
// replaces).
func (s *Server) filterOptions(ctx context.Context, gen int) filterOptions {
	if o, ok := s.options.get(gen, ""); ok {
		return o
	}
	o := filterOptions{Segments: segments}
	rows, err := s.run(ctx, "filter_options", Filters{}, nil)
	if err != nil {
		return o
	}
	for _, r := range rows.Values {
		kind, value := fmt.Sprint(r[0]), fmt.Sprint(r[1])
		switch kind {
		case "region":
			o.Regions = append(o.Regions, value)
		case "team":
			o.Teams = append(o.Teams, value)
		case "rep":
			o.Reps = append(o.Reps, value)
		case "quarter":
			o.Quarters = append(o.Quarters, value)
		}
	}
	s.options.put(gen, "", o)
	return o
}

// filtersOf reads the filters of page (its key in pageFilters) from the
// request and checks them against the current generation's choices. A
// value the page cannot apply is a *filterError; a filter the page does not
// apply is left out (the page's notice names it).
func (s *Server) filtersOf(c echo.Context, page string) (Filters, error) {
	f, problems := s.checkRequestFilters(c, pageFilters[page].Offers)
	if bad := badFilters(problems); len(bad) > 0 {
		return f, &filterError{page: page, problems: bad}
	}
	return f, nil
}

// checkRequestFilters checks the request's filters against applies and the
// current generation's choices.
func (s *Server) checkRequestFilters(c echo.Context, applies []string) (Filters, []filterProblem) {
	gen := 0
	if g, ok := s.wh.current(); ok {
		gen = g.ID
	}
	return checkFilters(c.QueryParams(), applies, s.filterOptions(c.Request().Context(), gen))
}
