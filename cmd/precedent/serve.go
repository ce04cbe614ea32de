package main

import (
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/dashboard"
)

func (m *Main) serveCommand() *cobra.Command {
	var addr, cert, key string
	var insecure bool
	cmd := &cobra.Command{
		Use:   "serve [--data DIR] [--addr 127.0.0.1:8080]",
		Short: "Serve the dashboard, the API and the schedules",
		Long: `Serves the published warehouse: dashboards, the account drill-down, the SQL page, a JSON
API, /healthz, /readyz and /metrics. It switches to a new warehouse generation as soon as
an ETL run publishes one.

Without users in the configuration it serves everyone as a demo admin, and only on a
loopback address unless --insecure-no-auth is given. Add users with precedent user add.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if addr == "" {
				addr = m.config.Serve.Addr
			}
			srv, err := dashboard.New(dashboard.Options{
				Data:           m.dataDir(),
				DuckDB:         m.duckdb(),
				Addr:           addr,
				TLSCert:        cert,
				TLSKey:         key,
				Users:          m.config.Users,
				InsecureNoAuth: insecure,
				QueryTimeout:   m.config.Serve.QueryTimeout,
				RowCap:         m.config.Serve.RowCap,
				Logger:         m.logger,
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
			return srv.Run(cmd.Context(), ln)
		},
	}
	f := cmd.Flags()
	f.String("data", "", "data directory (default: the config's data)")
	f.StringVar(&addr, "addr", "", "address to listen on (default: the config's serve.addr, 127.0.0.1:8080)")
	f.StringVar(&cert, "tls-cert", "", "TLS certificate file (serve HTTPS; cookies become Secure)")
	f.StringVar(&key, "tls-key", "", "TLS key file")
	f.BoolVar(&insecure, "insecure-no-auth", false, "serve without users on a non-loopback address")
	return cmd
}
