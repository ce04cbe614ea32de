package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/cmd/precedent/schedule"
	"github.com/precedent-dev/precedent/dashboard"
	"github.com/precedent-dev/precedent/etl/runlog"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr, cert, key string
	var insecure, noSchedules bool
	cmd := &cobra.Command{
		Use:   "serve [--data DIR] [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F] [--insecure-no-auth]",
		Short: "Serve the dashboard, the API and the schedules",
		Long: `Serves the published warehouse: dashboards, the account drill-down, the SQL page, a JSON
API, /healthz, /readyz and /metrics (for admins, or to anyone on server.metrics_addr). It
switches to a new warehouse generation as soon as an ETL run publishes one. It verifies each
generation against its checksum first: when the published one is damaged it serves the
newest intact one, says so on every page, and /readyz answers 503 until an ETL run rebuilds
the warehouse.

Without users in the configuration it serves everyone as a demo admin, and only on a
loopback address unless --insecure-no-auth is given. Add users with precedent user add.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				addr = m.config.Serve.Addr
			}
			var runs dashboard.Runs
			var sched *schedule.Scheduler
			if m.config.Schedules.Enabled && !noSchedules {
				var err error
				if sched, err = schedule.New(runlog.Open(m.dataDir().RunLog()), m.logger, m.jobs()...); err != nil {
					return err
				}
				runs = dashboardRuns{sched}
			}
			// The dashboard allocates per request; a larger heap between
			// collections trades some memory for steadier latency under
			// load (docs/benchmarks.md). GOGC in the environment wins.
			if os.Getenv("GOGC") == "" {
				debug.SetGCPercent(400)
			}
			proxies, err := m.config.Serve.TrustedProxyNets()
			if err != nil {
				return err
			}
			maxBody, err := m.config.Serve.MaxBodyBytes()
			if err != nil {
				return err
			}
			srv, err := dashboard.New(dashboard.Options{
				Data:              m.dataDir(),
				DuckDB:            m.duckdb(),
				Addr:              addr,
				TLSCert:           cert,
				TLSKey:            key,
				Users:             m.config.Users,
				InsecureNoAuth:    insecure,
				QueryTimeout:      m.config.Serve.QueryTimeout,
				RowCap:            m.config.Serve.RowCap,
				ResultBytes:       m.config.Serve.ResultMaxMB << 20,
				ExportBytes:       m.config.Serve.ExportMaxMB << 20,
				APICacheBytes:     m.config.Serve.APICacheMB << 20,
				AuditLog:          m.config.Serve.AuditLog,
				TrustedProxies:    proxies,
				PublicURL:         m.config.Serve.PublicURL,
				SessionLifetime:   m.config.Serve.SessionLifetime,
				MetricsAddr:       m.config.Serve.MetricsAddr,
				ReadHeaderTimeout: m.config.Serve.ReadHeaderTimeout,
				ReadTimeout:       m.config.Serve.ReadTimeout,
				WriteTimeout:      m.config.Serve.WriteTimeout,
				IdleTimeout:       m.config.Serve.IdleTimeout,
				MaxBody:           maxBody,
				Runs:              runs,
				Logger:            m.logger,
			})
			if err != nil {
				return err
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("listen on %s: %w", addr, err)
			}
			scheme := "http"
			if cert != "" {
				scheme = "https"
			}
			fmt.Fprintf(m.Stdout, "Precedent is serving %s://%s (Ctrl-C to stop)\n", scheme, ln.Addr())
			if sched != nil {
				if err := sched.Start(cmd.Context()); err != nil {
					return err
				}
				// On Ctrl-C runs in progress are cancelled (a cancelled ETL
				// leaves the published warehouse as it was); wait for them.
				defer sched.Stop()
			}
			return srv.Run(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.String("data", "", "data directory (default: the config's data)")
	f.StringVar(&addr, "addr", "", "address to listen on (default: the config's server.addr, 127.0.0.1:8080)")
	f.StringVar(&cert, "tls-cert", "", "TLS certificate file (serve HTTPS; cookies become Secure)")
	f.StringVar(&key, "tls-key", "", "TLS key file")
	f.BoolVar(&insecure, "insecure-no-auth", false, "serve without users on a non-loopback address")
	f.BoolVar(&noSchedules, "no-schedules", false, "do not run the scheduled ETL and report (the config's schedules.enabled)")
	return cmd
}

// dashboardRuns lets the Runs page's buttons start scheduled jobs, telling
// the dashboard when one of the kind is already going.
type dashboardRuns struct{ s *schedule.Scheduler }

func (r dashboardRuns) Trigger(ctx context.Context, kind string) error {
	err := r.s.Trigger(ctx, kind)
	if errors.Is(err, schedule.ErrBusy) {
		return fmt.Errorf("%w: %v", dashboard.ErrBusy, err)
	}
	return err
}
