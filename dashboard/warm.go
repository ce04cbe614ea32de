package dashboard

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// warm builds the default views of the pages whose charts cost the most,
// for the generation in use, so that the first visitor after a publish
// does not wait for their queries and charts. Views with filters are built
// on first request, as before.
func (s *Server) warm(ctx context.Context) {
	start := time.Now()
	pages := []struct {
		path string
		page echo.HandlerFunc
	}{{"/", s.overview}, {"/discounts", s.discounts}, {"/scope", s.scope}, {"/billing", s.billing}}
	for _, p := range pages {
		if ctx.Err() != nil {
			return
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.path, nil)
		if err != nil {
			return
		}
		if err := p.page(s.echo.NewContext(req, discard{})); err != nil && ctx.Err() == nil {
			s.opts.Logger.Warn("warm the dashboard's caches", "page", p.path, "err", err)
		}
	}
	s.opts.Logger.Debug("dashboard caches warmed", "seconds", time.Since(start).Seconds())
}

// discard is a response nobody reads: warming wants the caches filled,
// not the page.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
