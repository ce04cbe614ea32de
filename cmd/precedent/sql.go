package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

func (m *Main) sqlCommand() *cobra.Command {
	var format string
	var maxRows int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   `sql [--data DIR] [--format table|csv|json] "SELECT ..."`,
		Short: "Run a read-only query against the published warehouse",
		Long: `Runs one query against the published warehouse on a sandboxed connection: read-only,
no access to files, extensions or settings.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !map[string]bool{"table": true, "csv": true, "json": true}[format] {
				return fmt.Errorf("--format %q: want table, csv or json", format)
			}
			gen, err := m.dataDir().Published()
			if err != nil {
				return err
			}
			db, err := wh.Sandbox(cmd.Context(), gen.Path, m.duckdb())
			if err != nil {
				return err
			}
			defer db.Close()
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			rows, err := wh.Query(ctx, db, args[0], maxRows)
			if err != nil {
				if errors.Is(ctx.Err(), context.DeadlineExceeded) {
					return fmt.Errorf("query stopped after %s (--timeout)", timeout)
				}
				if msg := wh.Refusal(err); msg != "" {
					return errors.New(msg)
				}
				return err
			}
			if err := writeRows(m.Stdout, rows, format); err != nil {
				return err
			}
			if rows.Truncated {
				fmt.Fprintf(m.Stderr, "stopped at %d rows (--max-rows)\n", maxRows)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.Flags().IntVar(&maxRows, "max-rows", 10000, "stop after this many rows (0 = no cap)")
	cmd.Flags().DurationVar(&timeout, "timeout", 60*time.Second, "stop a query that runs longer")
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	return cmd
}

// writeRows prints a result as an aligned table, CSV or a JSON array.
func writeRows(w io.Writer, rows *wh.Rows, format string) error {
	switch format {
	case "csv":
		return rows.WriteCSV(w)
	case "json":
		return rows.WriteJSON(w)
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(rows.Columns, "\t"))
	for _, r := range rows.Values {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = strings.ReplaceAll(wh.Format(v, rows.Types[i]), "\n", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	fmt.Fprintf(tw, "(%d rows)\n", len(rows.Values))
	return tw.Flush()
}
