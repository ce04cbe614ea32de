package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// sqlRunner runs analysts' queries on the sandboxed warehouse.
type sqlRunner struct {
	m       *Main
	query   func(ctx context.Context, q string, args ...any) (*wh.Rows, error)
	format  string
	maxRows int
}

func (m *Main) sqlCommand() *cobra.Command {
	var format, out string
	var maxRows int
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   `sql [--data DIR] [--format table|csv|json] [--out FILE.parquet] ["SELECT ..."]`,
		Short: "Query the published warehouse, read-only; without a query, an interactive shell",
		Long: `Runs a query against the published warehouse on a sandboxed connection: read-only, no
access to files, extensions or settings, stopped after --timeout and --max-rows. With --out,
writes the result to a Parquet file. Without a query, opens a shell with line editing and
history: end statements with ';', and .tables, .schema NAME, .models, .format, .quit.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !map[string]bool{"table": true, "csv": true, "json": true}[format] {
				return fmt.Errorf("--format %q: want table, csv or json", format)
			}
			db, err := m.openPublished(cmd.Context())
			if err != nil {
				return err
			}
			defer db.Close()
			r := &sqlRunner{m: m, format: format, maxRows: maxRows}
			r.query = func(ctx context.Context, q string, args ...any) (*wh.Rows, error) {
				ctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				rows, err := wh.Query(ctx, db, q, maxRows, args...)
				return rows, explainQueryError(ctx, err, timeout)
			}
			switch {
			case len(args) == 0 && out != "":
				return errors.New("--out needs a query")
			case len(args) == 0:
				return r.shell(cmd.Context(), db)
			case out != "":
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
				defer cancel()
				n, err := wh.WriteParquet(ctx, db, args[0], f, int64(maxRows))
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(out)
					return explainQueryError(ctx, err, timeout)
				}
				fmt.Fprintf(m.Stderr, "wrote %d rows to %s\n", n, out)
				return nil
			}
			return r.run(cmd.Context(), args[0])
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.Flags().StringVar(&out, "out", "", "write the result to this Parquet file")
	cmd.Flags().IntVar(&maxRows, "max-rows", 10000, "stop after this many rows (0 = no cap)")
	cmd.Flags().DurationVar(&timeout, "timeout", 60*time.Second, "stop a query that runs longer")
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	return cmd
}

// explainQueryError turns sandbox refusals and timeouts into sentences.
func explainQueryError(ctx context.Context, err error, timeout time.Duration) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("query stopped after %s (--timeout)", timeout)
	}
	if msg := wh.Refusal(err); msg != "" {
		return errors.New(msg)
	}
	return errors.New(wh.Message(err))
}

// run runs one query and prints its result.
func (r *sqlRunner) run(ctx context.Context, q string) error {
	rows, err := r.query(ctx, q)
	if err != nil {
		return err
	}
	if err := writeRows(r.m.Stdout, rows, r.format); err != nil {
		return err
	}
	if rows.Truncated {
		fmt.Fprintf(r.m.Stderr, "stopped at %d rows (--max-rows)\n", r.maxRows)
	}
	return nil
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
