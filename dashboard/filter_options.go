package dashboard

import (
	"context"
	"fmt"
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
