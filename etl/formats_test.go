package etl

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
	"github.com/precedent-dev/precedent/internal/fixture"
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

// TestFolderNamesAreNoColumns loads Parquet files from a folder named like
// a Hive partition (region=EMEA) and rebuilds a damaged generation from a
// data directory named so (env=prod): DuckDB would take such a folder for
// a partition column and overwrite the file's column of that name, or add
// a column the tables do not have. The files' own values load, and the
// rebuild builds on the intact generation.
func TestFolderNamesAreNoColumns(t *testing.T) {
	pq := convertSource(t, "testdata/good", "parquet")
	src := filepath.Join(t.TempDir(), "region=EMEA")
	if err := os.Rename(pq, src); err != nil {
		t.Fatal(err)
	}
	data := wh.Dir(filepath.Join(t.TempDir(), "env=prod"))
	mustRun(t, src, data)
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(DISTINCT coalesce(region, '-'), ',' ORDER BY coalesce(region, '-')) FROM accounts"); got == "EMEA" {
		t.Errorf("every account's region is the folder's, EMEA")
	}
	want := fixture.Value(t, db, "SELECT string_agg(account_id || ':' || coalesce(region, '-'), ',' ORDER BY account_id) FROM accounts")
	csv := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", csv)
	if got := fixture.Value(t, fixture.OpenPublished(t, csv), "SELECT string_agg(account_id || ':' || coalesce(region, '-'), ',' ORDER BY account_id) FROM accounts"); got != want {
		t.Errorf("accounts' regions from region=EMEA/accounts.parquet: %s; from the CSV: %s", want, got)
	}
	// A second run, its generation damaged: the rebuild replays the lake
	// of env=prod/ onto the first generation.
	fixture.WriteFile(t, filepath.Join(src, "more", "accounts.csv"), "account_id,account_name,segment\nACC-9,Nine,smb\n")
	mustRun(t, src, data)
	g, err := data.Published()
	if err != nil {
		t.Fatal(err)
	}
	warehousetest.Damage(t, g.Path)
	res := mustRun(t, src, data)
	if res.FullRefresh || res.Recovered == "" {
		t.Errorf("rebuild: full refresh %v, recovered %q; want a rebuild on the intact generation", res.FullRefresh, res.Recovered)
	}
	if n := fixture.Value(t, fixture.OpenPublished(t, data), "SELECT count(*) FROM accounts WHERE account_id = 'ACC-9'"); n != "1" {
		t.Errorf("ACC-9 after the rebuild: %s rows, want 1", n)
	}
}

// TestParquetBinaryText loads a Parquet file whose text is stored as bytes
// without the UTF-8 annotation, as Impala, older Spark and pyarrow's
// binary write it: the values load as their text, not as escaped bytes.
func TestParquetBinaryText(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(src, "accounts", "blob.parquet")
	os.MkdirAll(filepath.Dir(out), 0o755)
	_, err = db.Exec("COPY (SELECT 'ACC-9' AS account_id, encode('Café Zürich') AS account_name, 'smb' AS segment UNION ALL SELECT 'ACC-10', '\\xFF'::BLOB, 'smb') TO " + wh.Literal(out) + " (FORMAT parquet)")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	data := wh.Dir(t.TempDir())
	mustRun(t, src, data)
	got := fixture.Value(t, fixture.OpenPublished(t, data), "SELECT string_agg(account_name, '|' ORDER BY account_id) FROM accounts WHERE account_id IN ('ACC-9', 'ACC-10')")
	if got != `\xFF|Café Zürich` {
		t.Errorf("account names %q; want the text, and bytes that are no UTF-8 escaped", got)
	}
}
