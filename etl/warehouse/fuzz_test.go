package warehouse

import (
	"context"
	"errors"
	"testing"
	"time"
)

// FuzzCheck fuzzes the analysts' statement allow-list: Check never panics;
// what it accepts DuckDB also prepares as a query (or EXPLAIN of one); and
// running an accepted statement sealed leaves nothing for the next
// statement to see: no temporary object, no changed setting.
func FuzzCheck(f *testing.F) {
	for _, q := range []string{
		"SELECT 1", "FROM deal_discounts", "EXPLAIN SELECT 1", "(SELECT 1)", "-- c\nSELECT 2",
		"SUMMARIZE deal_discounts", "SHOW TABLES", "VALUES (1)", "WITH a AS (SELECT 1) SELECT * FROM a",
		"CALL enable_logging()", "SELECT * FROM enable_logging()", "PRAGMA enable_profiling", "SET threads=1",
		"CREATE TEMP TABLE t AS SELECT 1", "SELECT 1; SELECT 2", "SELECT * FROM read_csv('x')",
		"EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1", "SELECT * FROM range(3) r, (FROM glob('*'))",
		"SELECT setseed(0.5)", "SELECT nextval('s')", "SELECT getvariable('x')",
	} {
		f.Add(q)
	}
	a, _ := analystWarehouse(f, 200*time.Millisecond)
	ctx := context.Background()
	canary := func(t *testing.T) {
		var temps, deals int
		if err := a.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM duckdb_tables() WHERE temporary) + (SELECT count(*) FROM duckdb_views() WHERE temporary AND NOT internal), (SELECT count(*) FROM deal_discounts)").Scan(&temps, &deals); err != nil {
			t.Fatalf("the next statement fails: %v", err)
		}
		if temps != 0 || deals != 250 {
			t.Fatalf("the next statement sees %d temporary objects and %d deals, want 0 and 250", temps, deals)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		kind, err := Check(ctx, a.db, q)
		if err != nil {
			return
		}
		if kind != KindSelect && kind != KindExplain {
			t.Fatalf("Check(%q) = %q without an error", q, kind)
		}
		conn, err := a.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		_, err = describe(ctx, conn, q, kind)
		conn.Close()
		if re := (*RefusedError)(nil); errors.As(err, &re) {
			t.Fatalf("Check accepted %q as %s but DuckDB prepares another statement: %v", q, kind, err)
		}
		a.Query(ctx, q, Window{Rows: 1, Bytes: 1 << 20})
		canary(t)
	})
}
