package dashboard

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Run serves on ln (and /metrics on Options.MetricsAddr, if set) until ctx
// ends, then shuts down gracefully: in-flight requests finish (up to 30
// seconds), then the warehouse closes.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	servers := []*http.Server{s.httpServer(s.echo)}
	listeners := []net.Listener{ln}
	if s.opts.MetricsAddr != "" {
		mln, err := net.Listen("tcp", s.opts.MetricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s for /metrics: %w", s.opts.MetricsAddr, err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.metrics.http)
		servers = append(servers, s.httpServer(mux))
		listeners = append(listeners, mln)
	}

	watchCtx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	// Each generation's caches are warmed as it comes into use; shutdown
	// waits for warming to stop before closing the warehouse.
	var warming sync.WaitGroup
	defer warming.Wait()
	if err := s.Open(ctx); err != nil {
		for _, l := range listeners[1:] {
			l.Close()
		}
		return err
	}
	if _, ok := s.wh.current(); ok {
		warming.Go(func() { s.warm(watchCtx) })
	}
	s.wh.onSwap = func(wh.Generation) { warming.Go(func() { s.warm(watchCtx) }) }
	go s.wh.watch(watchCtx, s.opts.Refresh)

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() {
			var err error
			if i == 0 && s.opts.TLSCert != "" {
				err = srv.ServeTLS(listeners[i], s.opts.TLSCert, s.opts.TLSKey)
			} else {
				err = srv.Serve(listeners[i])
			}
			errc <- err
		}()
	}
	mode := "users"
	if s.demo {
		mode = "demo, no login"
	}
	s.opts.Logger.Info("dashboard listening", "addr", ln.Addr().String(), "mode", mode)
	if len(listeners) > 1 {
		s.opts.Logger.Info("metrics listening", "addr", listeners[1].Addr().String())
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, srv := range servers {
		if e := srv.Shutdown(shutdown); e != nil && err == nil {
			err = e
		}
	}
	stopWatch()
	warming.Wait()
	s.wh.close()
	s.opts.Logger.Info("dashboard stopped")
	return err
}

// httpServer serves h within the options' timeouts, so a client that
// sends slowly or reads slowly cannot hold a connection for long.
func (s *Server) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: s.opts.ReadHeaderTimeout,
		ReadTimeout:       s.opts.ReadTimeout,
		WriteTimeout:      s.opts.WriteTimeout,
		IdleTimeout:       s.opts.IdleTimeout,
	}
}
