package generate

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
)

// testAsOf is the as-of date the tests generate to.
var testAsOf = time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)

// mustGenerate generates into a temporary directory and returns it.
func mustGenerate(tb testing.TB, opts Options) (string, Summary) {
	tb.Helper()
	if opts.Out == "" {
		opts.Out = tb.TempDir()
	}
	if opts.AsOf.IsZero() {
		opts.AsOf = testAsOf
	}
	sum, err := Generate(context.Background(), opts)
	if err != nil {
		tb.Fatalf("generate: %v", err)
	}
	return opts.Out, sum
}

// lake is an in-memory DuckDB database with one table per entity, loaded
// from generated files.
type lake struct {
	tb testing.TB
	db *sql.DB
}

// mustOpenLake loads the files in dir into a fresh in-memory DuckDB.
func mustOpenLake(tb testing.TB, dir, format string) *lake {
	tb.Helper()
	db, err := loadLake(dir, format)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return &lake{tb: tb, db: db}
}

// loadLake opens an in-memory DuckDB with one table per entity loaded from
// the files in dir, typed as the contract says.
func loadLake(dir, format string) (*sql.DB, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	for _, e := range contract.Entities {
		path := filepath.Join(dir, e.Name+"."+format)
		var from string
		switch format {
		case "parquet":
			from = fmt.Sprintf("read_parquet('%s')", path)
		case "csv":
			from = fmt.Sprintf("read_csv('%s', header=true, columns=%s)", path, csvColumns(&e))
		default:
			from = fmt.Sprintf("read_json('%s', format='newline_delimited', columns=%s)", path, csvColumns(&e))
		}
		if _, err := db.Exec(fmt.Sprintf("CREATE TABLE %s AS SELECT * FROM %s", e.Name, from)); err != nil {
			db.Close()
			return nil, fmt.Errorf("load %s: %w", e.Name, err)
		}
	}
	return db, nil
}

// csvColumns is the DuckDB column struct of an entity from the contract.
func csvColumns(e *contract.Entity) string {
	var parts []string
	for _, c := range e.Columns {
		typ := c.Type.SQLType()
		if c.Type == contract.Timestamp {
			typ = "TIMESTAMPTZ"
		}
		parts = append(parts, fmt.Sprintf("'%s': '%s'", c.Name, typ))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// float runs a query returning one number.
func (l *lake) float(query string, args ...any) float64 {
	l.tb.Helper()
	var v sql.NullFloat64
	if err := l.db.QueryRow(query, args...).Scan(&v); err != nil {
		l.tb.Fatalf("%v\n%s", err, query)
	}
	return v.Float64
}

// rows runs a query and returns every row as strings.
func (l *lake) rows(query string, args ...any) [][]string {
	l.tb.Helper()
	rs, err := l.db.Query(query, args...)
	if err != nil {
		l.tb.Fatalf("%v\n%s", err, query)
	}
	defer rs.Close()
	cols, _ := rs.Columns()
	var out [][]string
	for rs.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			l.tb.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if v != nil {
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rs.Err(); err != nil {
		l.tb.Fatal(err)
	}
	return out
}

// sharedDirs are directories created for data shared between tests; TestMain
// removes them.
var sharedDirs []string

// tempDirForPackage creates a directory that outlives one test.
func tempDirForPackage() (string, error) {
	dir, err := os.MkdirTemp("", "precedent-generate-")
	if err == nil {
		sharedDirs = append(sharedDirs, dir)
	}
	return dir, err
}

func TestMain(m *testing.M) {
	code := m.Run()
	if rulesLake.db != nil {
		rulesLake.db.Close()
	}
	for _, d := range sharedDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// Rows returns the number of rows written for the entity.
func (s Summary) Rows(entity string) int {
	for _, f := range s.Files {
		if f.Entity == entity {
			return f.Rows
		}
	}
	return 0
}
