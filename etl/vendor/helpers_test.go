package vendor_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/vendor"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// run runs the ETL over source with the vendor settings and returns the
// result and the published warehouse, opened read-only.
func run(tb testing.TB, source string, mod ...func(*etl.Options)) (*etl.Result, *sql.DB) {
	tb.Helper()
	res, err := runErr(tb, source, mod...)
	if err != nil {
		tb.Fatalf("etl %s: %v", source, err)
	}
	return res, published(tb, res)
}

func runErr(tb testing.TB, source string, mod ...func(*etl.Options)) (*etl.Result, error) {
	tb.Helper()
	data := wh.Dir(tb.TempDir())
	opts := etl.Options{Source: source, Data: data, DuckDB: wh.Settings{Threads: 2, MemoryLimit: "1GB"}, Vendors: vendor.DefaultConfig()}
	for _, f := range mod {
		f(&opts)
	}
	res, err := etl.Run(context.Background(), opts)
	if res != nil {
		res.Generation = string(data)
	}
	return res, err
}

// published opens the warehouse a run published.
func published(tb testing.TB, res *etl.Result) *sql.DB {
	tb.Helper()
	g, err := wh.Dir(res.Generation).Published()
	if err != nil {
		tb.Fatal(err)
	}
	db, err := wh.OpenReadOnly(context.Background(), g.Path, wh.Settings{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// value runs a one-value query and renders it as text ("<null>" for null).
func value(tb testing.TB, db *sql.DB, q string, args ...any) string {
	tb.Helper()
	var v sql.NullString
	if err := db.QueryRow("SELECT ("+q+")::VARCHAR", args...).Scan(&v); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	if !v.Valid {
		return "<null>"
	}
	return v.String
}

// fileResult finds the result of one source file.
func fileResult(tb testing.TB, res *etl.Result, path string) etl.FileResult {
	tb.Helper()
	for _, f := range res.Files {
		if f.Path == path {
			return f
		}
	}
	tb.Fatalf("no result for %s in %+v", path, res.Files)
	return etl.FileResult{}
}

// writeFiles writes a source folder of name -> content into a temp dir.
func writeFiles(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}
