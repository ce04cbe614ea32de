package warehouse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIdent(t *testing.T) {
	tests := []struct{ in, want string }{
		{"deals", `"deals"`},
		{`we"ird`, `"we""ird"`},
		{"select", `"select"`},
	}
	for _, tt := range tests {
		if got := Ident(tt.in); got != tt.want {
			t.Errorf("Ident(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
	if got := Literal("O'Brien"); got != "'O''Brien'" {
		t.Errorf("Literal = %s", got)
	}
}

// buildGeneration creates generation id with a table holding id.
func buildGeneration(t *testing.T, d Dir, id int) {
	t.Helper()
	if err := os.MkdirAll(d.Generations(), 0o755); err != nil {
		t.Fatal(err)
	}
	db, err := Open(context.Background(), d.Staging(id), Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE gen AS SELECT ?::INTEGER AS id", id); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestPublish(t *testing.T) {
	d := Dir(t.TempDir())
	if _, err := d.Published(); !errors.Is(err, ErrNoWarehouse) {
		t.Fatalf("empty dir: err = %v, want ErrNoWarehouse", err)
	}
	for id := 1; id <= 5; id++ {
		buildGeneration(t, d, id)
		if err := d.Publish(id); err != nil {
			t.Fatal(err)
		}
		g, err := d.Published()
		if err != nil || g.ID != id {
			t.Fatalf("published = %d (%v), want %d", g.ID, err, id)
		}
		db, err := OpenReadOnly(context.Background(), d.Current(), Settings{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.QueryRow("SELECT id FROM gen").Scan(&got); err != nil || got != id {
			t.Errorf("warehouse.duckdb answers %d (%v), want %d", got, err, id)
		}
		db.Close()
	}
	// A run that died while building leaves a .building file; Prune clears it
	// and keeps the newest three generations.
	buildGeneration(t, d, 6)
	if err := d.Prune(3); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(d.Generations(), "*"))
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	// Each kept generation keeps its checksum file; the pruned ones' go with them.
	if want := "gen-000003.duckdb gen-000003.duckdb.sha256 gen-000004.duckdb gen-000004.duckdb.sha256 gen-000005.duckdb gen-000005.duckdb.sha256"; strings.Join(names, " ") != want {
		t.Errorf("after prune: %v, want %s", names, want)
	}
}

func TestRecover(t *testing.T) {
	d := Dir(t.TempDir())
	stage := func(id int, rel string) {
		p := filepath.Join(d.Stage(id), rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Run 1 was published but died before committing its stage; run 2 died
	// before publishing.
	buildGeneration(t, d, 1)
	if err := d.Publish(1); err != nil {
		t.Fatal(err)
	}
	stage(1, LakeEntity("deals", 1))
	stage(2, LakeEntity("deals", 2))
	buildGeneration(t, d, 2)
	if err := d.Recover(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(d.Path(LakeEntity("deals", 1))); err != nil {
		t.Errorf("published run's lake file not committed: %v", err)
	}
	if _, err := os.Stat(d.Path(LakeEntity("deals", 2))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unpublished run's lake file committed")
	}
	if _, err := os.Stat(d.Path(".staging", "run-000002")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unpublished run's stage kept")
	}
	if _, err := os.Stat(d.Staging(2)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unfinished generation kept")
	}

	// Run 3 died after renaming its generation into place but before
	// switching the published link: generation 1 stays published, and run
	// 3's lake files stay out.
	stage(3, LakeEntity("deals", 3))
	buildGeneration(t, d, 3)
	if err := os.Rename(d.Staging(3), filepath.Join(d.Generations(), genName(3))); err != nil {
		t.Fatal(err)
	}
	if err := d.Recover(); err != nil {
		t.Fatal(err)
	}
	if g, err := d.Published(); err != nil || g.ID != 1 {
		t.Errorf("published = %+v (%v), want generation 1", g, err)
	}
	if _, err := os.Stat(d.Path(LakeEntity("deals", 3))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lake file of a run that never published was committed")
	}
	if _, err := os.Stat(filepath.Join(d.Generations(), genName(3))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the generation of a run that never published was kept")
	}
}

// TestSandbox tries what an analyst's query must not do; each attempt is
// refused with a clear message and nothing is read or written.
func TestSandbox(t *testing.T) {
	d := Dir(t.TempDir())
	buildGeneration(t, d, 1)
	if err := d.Publish(1); err != nil {
		t.Fatal(err)
	}
	g, _ := d.Published()
	db, err := Sandbox(context.Background(), g.Path, Settings{Threads: 1, MemoryLimit: "256MB"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	outside := filepath.Join(t.TempDir(), "out.csv")
	attached := filepath.Join(t.TempDir(), "other.duckdb")
	tests := []struct {
		name, q, refusal string
	}{
		{"ReadCSV", "SELECT * FROM read_csv('/etc/passwd')", "cannot read or write files"},
		{"ReadText", "SELECT content FROM read_text('/etc/passwd')", "cannot read or write files"},
		{"Glob", "SELECT * FROM glob('/etc/*')", "cannot read or write files"},
		{"CopyTo", "COPY gen TO " + Literal(outside), "cannot read or write files"},
		{"Attach", "ATTACH " + Literal(attached) + " AS other", "cannot read or write files"},
		{"Install", "INSTALL httpfs", "cannot read or write files"},
		{"Load", "LOAD httpfs", "cannot read or write files"},
		{"SetThreads", "SET threads = 1", "settings cannot be changed"},
		{"ReenableAccess", "SET enable_external_access = true", "settings cannot be changed"},
		{"Write", "CREATE TABLE x AS SELECT 1", "read-only"},
		{"Insert", "INSERT INTO gen VALUES (2)", "read-only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Query(context.Background(), db, tt.q, 10)
			if err == nil {
				t.Fatalf("%s was allowed", tt.q)
			}
			if got := Refusal(err); !strings.Contains(got, tt.refusal) {
				t.Errorf("refusal = %q (error %v), want %q", got, err, tt.refusal)
			}
		})
	}
	for _, p := range []string{outside, attached} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was written", p)
		}
	}
	rows, err := Query(context.Background(), db, "SELECT id FROM gen", 10)
	if err != nil || len(rows.Values) != 1 {
		t.Errorf("plain query failed: %v", err)
	}
}

func TestQueryCapsRows(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := Query(context.Background(), db, "SELECT range AS n, 1.50::DECIMAL(18,2) AS amount FROM range(100)", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Values) != 10 || !rows.Truncated {
		t.Errorf("got %d rows truncated=%v, want 10 and truncated", len(rows.Values), rows.Truncated)
	}
	var b strings.Builder
	if err := rows.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `{"n":0,"amount":1.5}`) {
		t.Errorf("JSON = %s", b.String()[:80])
	}
}

func TestWriteParquet(t *testing.T) {
	d := Dir(t.TempDir())
	buildGeneration(t, d, 1)
	if err := d.Publish(1); err != nil {
		t.Fatal(err)
	}
	g, _ := d.Published()
	db, err := Sandbox(context.Background(), g.Path, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := filepath.Join(t.TempDir(), "out.parquet")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	n, err := WriteParquet(context.Background(), db, `SELECT range AS n, 'row ' || range AS label, 1.25::DECIMAL(18,2) AS amount, DATE '2026-01-01' + range::INTEGER AS day,
		range % 2 = 0 AS even, range / 4 AS quarter, TIMESTAMP '2026-01-01 10:00:00' + INTERVAL (range) SECOND AS ts,
		CASE WHEN range % 5 <> 0 THEN range END AS maybe FROM range(5000)`, f, 3000)
	f.Close()
	if err != nil || n != 3000 {
		t.Fatalf("wrote %d rows (%v), want 3000", n, err)
	}
	// Read it back with DuckDB as any Parquet reader would.
	rd, err := Open(context.Background(), "", Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	// The same answer whichever path wrote it (built with or without the
	// duckdb_arrow tag: make test runs both).
	var got string
	err = rd.QueryRow(`SELECT concat_ws(' | ', count(*), max(label), sum(amount), max(day), count(*) FILTER (WHERE even), sum(quarter),
		max(ts), count(maybe), any_value(typeof(amount)), any_value(typeof(day)), any_value(typeof(even)), any_value(typeof(ts)))
		FROM read_parquet(?)`, out).Scan(&got)
	want := "3000 | row 999 | 3750.00 | 2034-03-19 | 1500 | 1124625.0 | 2026-01-01 10:49:59 | 2400 | DECIMAL(18,2) | DATE | BOOLEAN | TIMESTAMP"
	if err != nil || got != want {
		t.Errorf("read back\n%s (%v), want\n%s", got, err, want)
	}
}

// TestSandboxTwice opens the same generation in the sandbox twice in one
// process, as two servers would: duckdb-go shares the database instance.
func TestSandboxTwice(t *testing.T) {
	d := Dir(t.TempDir())
	buildGeneration(t, d, 1)
	if err := d.Publish(1); err != nil {
		t.Fatal(err)
	}
	g, _ := d.Published()
	a, err := Sandbox(context.Background(), g.Path, Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Sandbox(context.Background(), g.Path, Settings{Threads: 1})
	if err != nil {
		t.Fatalf("second sandbox: %v", err)
	}
	defer b.Close()
	var n int
	if err := b.QueryRow("SELECT count(*) FROM gen").Scan(&n); err != nil || n != 1 {
		t.Errorf("second sandbox answers %d (%v)", n, err)
	}
	if _, err := b.Exec("SET threads = 1"); Refusal(err) == "" {
		t.Errorf("the second sandbox is not locked: %v", err)
	}
}

// TestSettings checks the DuckDB budget reaches the database.
func TestSettings(t *testing.T) {
	spill := t.TempDir()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "w.duckdb"), Settings{Threads: 1, MemoryLimit: "300MB", TempDir: spill})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var threads, temp string
	if err := db.QueryRow("SELECT current_setting('threads')::VARCHAR, current_setting('temp_directory')").Scan(&threads, &temp); err != nil {
		t.Fatal(err)
	}
	if threads != "1" || temp != spill {
		t.Errorf("threads %s, temp_directory %q; want 1 and %q", threads, temp, spill)
	}
}

func TestMissingTable(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec("SELECT * FROM renewal_risk_weekly")
	if table, ok := MissingTable(err); !ok || table != "renewal_risk_weekly" {
		t.Errorf("MissingTable(%v) = %q, %v", err, table, ok)
	}
	_, err = db.Exec("SELECT nonsense(1)")
	if _, ok := MissingTable(err); ok {
		t.Errorf("MissingTable(%v) took a missing function for a missing table", err)
	}
	if _, ok := MissingTable(nil); ok {
		t.Errorf("MissingTable(nil) = true")
	}
}

func TestStrings(t *testing.T) {
	db, err := Open(context.Background(), "", Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := Strings(context.Background(), db, "SELECT x FROM (VALUES ('b', 2), ('a', 1), ('c', 3)) v(x, n) WHERE n >= ? ORDER BY n", 2)
	if err != nil || strings.Join(got, ",") != "b,c" {
		t.Errorf("Strings = %q, %v; want b,c", got, err)
	}
	if _, err := Strings(context.Background(), db, "SELECT 1 FROM no_such_table"); err == nil {
		t.Errorf("Strings on a bad query: no error")
	}
}
