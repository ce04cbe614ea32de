package dashboard

import (
	"context"
	"embed"
	"fmt"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// The dashboard's own queries: each file reads marts by name and takes
// named parameters ($segment, $limit, ...), always bound, never spliced.
//
//go:embed sql/*.sql
var sqlFiles embed.FS

// cacheEntries bounds the caches whose keys come from requests.
const cacheEntries = 2000

// run runs one of the dashboard's queries on the current generation with
// the filters and extra parameters it names, through the cache.
func (s *Server) run(ctx context.Context, name string, f Filters, extra map[string]any) (*wh.Rows, error) {
	q, ok := s.queries[name]
	if !ok {
		return nil, fmt.Errorf("no dashboard query %s", name)
	}
	g, err := s.wh.acquire()
	if err != nil {
		return nil, err
	}
	defer g.release()
	all := f.params()
	for k, v := range extra {
		all[k] = v
	}
	args, err := q.Args(all)
	if err != nil {
		return nil, fmt.Errorf("dashboard %w", err)
	}
	key := q.Key(all)
	if r, ok := s.cache.get(g.gen.ID, key); ok {
		return r, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.QueryTimeout)
	defer cancel()
	r, err := wh.Query(ctx, g.db, q.Text, s.opts.RowCap, args...)
	if err != nil {
		if table, ok := wh.MissingTable(err); ok {
			return nil, &staleError{gen: g.gen.ID, table: table}
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	s.cache.put(g.gen.ID, key, r)
	return r, nil
}

// staleError is a query that read a model the published generation lacks:
// it was built by an earlier version of Precedent, before the model existed.
type staleError struct {
	gen   int
	table string
}

func (e *staleError) Error() string {
	return fmt.Sprintf("warehouse generation %d has no %s: it was built by an earlier version of Precedent; run precedent etl (or wait for the scheduled run) to rebuild it with this version's models", e.gen, e.table)
}
