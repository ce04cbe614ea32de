package etl

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestFormatsLoadAlike converts the good set to Parquet, JSON lines and
// JSON documents (a list of records) and checks each loads into the same
// tables as the CSV files.
func TestFormatsLoadAlike(t *testing.T) {
	csvData := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", csvData)
	want := snapshot(t, csvData, "_run_id", "_source_file", "_source_row")
	for _, format := range []string{"parquet", "jsonl", "json"} {
		t.Run(format, func(t *testing.T) {
			src := convertSource(t, "testdata/good", format)
			data := wh.Dir(t.TempDir())
			res := mustRun(t, src, data)
			for _, e := range res.Entities {
				if e.RowsQuarantined != 0 {
					t.Errorf("%s: %d rows quarantined", e.Entity, e.RowsQuarantined)
				}
			}
			if got := snapshot(t, data, "_run_id", "_source_file", "_source_row"); !slices.Equal(got, want) {
				t.Errorf("%s load differs from CSV:\n%v\n%v", format, got, want)
			}
		})
	}
}

// convertSource rewrites every CSV file of a source in another format with
// DuckDB, keeping values as text so the loader does the typing.
func convertSource(tb testing.TB, src, format string) string {
	tb.Helper()
	dst := tb.TempDir()
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	files, _ := filepath.Glob(filepath.Join(src, "*.csv"))
	for _, f := range files {
		out := filepath.Join(dst, strings.TrimSuffix(filepath.Base(f), ".csv")+"."+format)
		opt := map[string]string{"parquet": "FORMAT parquet", "jsonl": "FORMAT json", "json": "FORMAT json, ARRAY true"}[format]
		// DuckDB binds COPY's target before the query's parameters, so the
		// input path is a literal here.
		q := "COPY (SELECT * FROM read_csv(" + wh.Literal(f) + ", all_varchar = true, header = true)) TO ? (" + opt + ")"
		if _, err := db.Exec(q, out); err != nil {
			tb.Fatalf("convert %s: %v", f, err)
		}
		if _, err := os.Stat(out); err != nil {
			tb.Fatal(err)
		}
	}
	return dst
}
