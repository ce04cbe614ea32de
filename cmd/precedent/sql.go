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

// sqlRunner runs analysts' statements sealed (wh.Analyst) and the shell's
// own look-ups on the sandboxed warehouse.
type sqlRunner struct {
	m       *Main
	analyst *wh.Analyst
	lookup  func(ctx context.Context, q string, args ...any) (*wh.Rows, error)
	format  string
	window  wh.Window
}

func (m *Main) sqlCommand() *cobra.Command {
	var format, out string
	var maxRows int
	var maxMB int64
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   `sql [--data DIR] [--format table|csv|json] [--out FILE.parquet] ["SELECT ..."]`,
		Short: "Query the published warehouse, read-only; without a query, an interactive shell",
		Long: `Runs a query against the published warehouse, sealed: one statement that reads (SELECT,
WITH, VALUES, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN), on a connection of its own that is
closed afterwards, with no access to files, extensions or settings, stopped after --timeout,
--max-rows and --max-mb. With --out, writes the result to a Parquet file. Without a query,
opens a shell with line editing and history: end statements with ';', and .tables,
.schema NAME, .models, .format, .quit.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !map[string]bool{"table": true, "csv": true, "json": true}[format] {
				return fmt.Errorf("--format %q: want table, csv or json", format)
			}
			if maxRows < 0 || maxMB < 0 {
				return errors.New("--max-rows and --max-mb: want 0 (no cap) or more")
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
			a, err := wh.OpenAnalyst(cmd.Context(), gen.Path, m.duckdb(), timeout)
			if err != nil {
				return err
			}
			defer a.Close()
			r := &sqlRunner{m: m, analyst: a, format: format, window: wh.Window{Rows: maxRows, Bytes: maxMB << 20}}
			r.lookup = func(ctx context.Context, q string, args ...any) (*wh.Rows, error) {
				rows, err := wh.Query(ctx, db, q, 0, args...)
				if err != nil {
					return nil, errors.New(strings.TrimSpace(err.Error()))
				}
				return rows, nil
			}
			switch {
			case len(args) == 0 && out != "":
				return errors.New("--out needs a query")
			case len(args) == 0:
				return r.shell(cmd.Context(), db)
			case out != "":
				return r.export(cmd.Context(), args[0], out)
			}
			return r.run(cmd.Context(), args[0])
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.Flags().StringVar(&out, "out", "", "write the result to this Parquet file")
	cmd.Flags().IntVar(&maxRows, "max-rows", 10000, "stop after this many rows (0 = no cap)")
	cmd.Flags().Int64Var(&maxMB, "max-mb", 256, "refuse a result larger than this many megabytes (0 = no cap)")
	cmd.Flags().DurationVar(&timeout, "timeout", 60*time.Second, "stop a query that runs longer")
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	return cmd
}

// export writes a query's result to a Parquet file, removed again if the
// query fails.
func (r *sqlRunner) export(ctx context.Context, q, out string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	n, err := r.analyst.WriteParquet(ctx, q, f, int64(r.window.Rows), r.window.Bytes)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out)
		return err
	}
	fmt.Fprintf(r.m.Stderr, "wrote %d rows to %s\n", n, out)
	return nil
}

// run runs one query and prints its result.
func (r *sqlRunner) run(ctx context.Context, q string) error {
	rows, err := r.analyst.Query(ctx, q, r.window)
	if err != nil {
		return err
	}
	return r.print(rows)
}

// print writes a result in the chosen format and says where it stopped.
func (r *sqlRunner) print(rows *wh.Rows) error {
	if err := writeRows(r.m.Stdout, rows, r.format); err != nil {
		return err
	}
	if rows.Truncated {
		fmt.Fprintf(r.m.Stderr, "stopped at %d rows (--max-rows)\n", r.window.Rows)
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
