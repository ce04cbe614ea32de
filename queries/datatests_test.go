package queries

import (
	"context"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestDataTests runs each kind of data test on a table with known faults.
func TestDataTests(t *testing.T) {
	ctx := context.Background()
	_, conn := fixture.Conn(t, "")
	for _, q := range []string{
		"CREATE TABLE parent AS SELECT * FROM (VALUES ('p1'), ('p2')) t(id)",
		"CREATE TABLE m AS SELECT * FROM (VALUES (1, 'a', 'p1'), (2, 'b', 'p2'), (2, 'x', 'p9'), (NULL, NULL, NULL)) t(id, kind, parent_id)",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	src := []byte(`-- grain: test
-- key: id
-- description: a table with faults
-- tests:
--   - unique: kind
--   - not_null: [id, kind, parent_id]
--   - accepted_values: {column: kind, values: [a, b]}
--   - relationships: {column: parent_id, to: parent.id}
--   - assert: select * from m where id > 1
--   - assert: select * from no_such_table
--   - unique: kind
--   - assert: select id from m where id > 1
select 1`)
	m, err := parseModel("m", Marts, "m.sql", src, true)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name   string
		status string
		rows   int64
	}{
		{"unique(id)", Fail, 1},
		{"not_null(id)", Fail, 1},
		{"unique(kind)", Pass, 0},
		{"not_null(kind)", Fail, 1},
		{"not_null(parent_id)", Fail, 1},
		{"accepted_values(kind)", Fail, 1},
		{"relationships(parent_id -> parent.id)", Fail, 1},
		{"assert: id > 1", Fail, 2},
		{"assert: select * from no_such_table", Error, 0},
		{"assert: id > 1 (2)", Fail, 2},
	}
	got := runTests(ctx, conn, m, m.tests(), nil, nil, nil)
	if len(got) != len(want) {
		t.Fatalf("got %d tests, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Name != w.name || g.Status != w.status || g.FailingRows != w.rows {
			t.Errorf("test %d: got %s %s %d (%s), want %s %s %d", i, g.Name, g.Status, g.FailingRows, g.Error, w.name, w.status, w.rows)
		}
	}
}

// TestDataTestsCounted updates a model in place by its key acct and runs
// its data tests counting only the changed keys' rows: every count equals
// the test run over the whole new table. Tests of rows and a unique test
// holding the key are counted so; a unique test without the key, a
// relationship and an assert run in full.
func TestDataTestsCounted(t *testing.T) {
	prev := `(VALUES ('A1', 1, 'a', 'p1'), ('A1', 2, NULL, 'p1'), ('A2', 3, 'z', 'p2'), ('A2', 3, 'b', 'p2'),
	  ('A3', 5, NULL, 'p9'), (NULL, 6, NULL, 'p1'), (NULL, 8, 'a', 'p1')) t(acct, id, kind, parent_id)`
	tests := []struct {
		name    string
		keys    []string // the changed keys
		nullKey bool
		rows    string // the new version of the changed keys' rows
	}{
		{"FailuresGoAndCome", []string{"A2", "A4"}, false, `('A2', 3, 'b', 'p2'), ('A4', 7, NULL, 'p1'), ('A4', 7, 'q', 'p1')`},
		{"KeyRemoved", []string{"A3"}, false, ``},
		{"RowsWithoutKey", []string{"A1"}, true, `('A1', 2, 'b', 'p1'), (NULL, 6, 'a', 'p9'), (NULL, 6, 'a', 'p9')`},
	}
	src := []byte(`-- grain: test
-- key: id
-- description: a table updated in place by acct
-- tests:
--   - unique: [acct, id]
--   - not_null: kind
--   - accepted_values: {column: kind, values: [a, b]}
--   - relationships: {column: parent_id, to: parent.id}
--   - assert: select * from m where id > 6
select 1`)
	m, err := parseModel("m", Marts, "m.sql", src, true)
	if err != nil {
		t.Fatal(err)
	}
	counted := map[string]bool{"not_null(id)": true, "unique(acct, id)": true, "not_null(kind)": true, "accepted_values(kind)": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			_, conn := fixture.Conn(t, "")
			changed := "acct IN ('" + strings.Join(tt.keys, "', '") + "')"
			if tt.nullKey {
				changed += " OR acct IS NULL"
			}
			newRows := "SELECT * FROM " + prev + " WHERE NOT (" + changed + ") IS TRUE"
			if tt.rows != "" {
				newRows += " UNION ALL SELECT * FROM (VALUES " + tt.rows + ") t(acct, id, kind, parent_id)"
			}
			for _, q := range []string{
				"ATTACH ':memory:' AS was",
				"CREATE TABLE was.main.m AS SELECT * FROM " + prev,
				"CREATE TABLE parent AS SELECT * FROM (VALUES ('p1'), ('p2')) t(id)",
				"CREATE TABLE m AS " + newRows,
				"CREATE TABLE keys AS SELECT unnest(['" + strings.Join(tt.keys, "', '") + "']) AS acct",
			} {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			// The previous generation's results: the tests over its table.
			earlier := map[[3]string]TestResult{}
			if _, err := conn.ExecContext(ctx, "USE was"); err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, "CREATE TABLE parent AS SELECT * FROM (VALUES ('p1'), ('p2')) t(id)"); err != nil {
				t.Fatal(err)
			}
			for _, r := range runTests(ctx, conn, m, m.tests(), nil, nil, nil) {
				earlier[[3]string{r.Model, r.Name, r.SQL}] = r
			}
			if _, err := conn.ExecContext(ctx, "USE memory"); err != nil {
				t.Fatal(err)
			}
			full := runTests(ctx, conn, m, m.tests(), nil, nil, nil)
			got := runTests(ctx, conn, m, m.tests(), earlier, nil, &changedKeys{prev: "was", key: "acct", table: "keys", nullKey: tt.nullKey})
			moved := 0 // counted tests whose count the update changed
			for i, g := range got {
				f := full[i]
				if g.Name != f.Name || g.Status != f.Status || g.FailingRows != f.FailingRows || g.Error != "" {
					t.Errorf("%s: %s %d failing (%s); over the whole table %s %d", g.Name, g.Status, g.FailingRows, g.Error, f.Status, f.FailingRows)
				}
				if g.Counted != counted[g.Name] {
					t.Errorf("%s: counted over the changed keys %v, want %v", g.Name, g.Counted, counted[g.Name])
				}
				if g.Counted && earlier[[3]string{g.Model, g.Name, g.SQL}].FailingRows != g.FailingRows {
					moved++
				}
			}
			if len(got) != len(counted)+3 || moved == 0 {
				t.Errorf("%d tests, %d counted ones moved; want %d tests and counts that move", len(got), moved, len(counted)+3)
			}
		})
	}
}

func TestParseModelHeader(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		builtin bool
		err     string
	}{
		{"OK", "-- grain: g\n-- key: [a, b]\n-- description: d\nselect 1", true, ""},
		{"BuiltinNeedsHeader", "select 1", true, "needs a header"},
		{"BuiltinNeedsKey", "-- grain: g\n-- description: d\nselect 1", true, "needs grain, key and description"},
		{"UnknownField", "-- grian: g\nselect 1", false, "field grian not found"},
		{"TwoKindsInOneTest", "-- tests:\n--   - {unique: a, not_null: b}\nselect 1", false, "exactly one of"},
		{"PlainComment", "-- just a note\nselect 1", false, ""},
		{"View", "-- materialized: view\nselect 1", false, ""},
		{"Table", "-- materialized: table\nselect 1", false, ""},
		{"MaterializedUnknown", "-- materialized: incremental\nselect 1", false, `materialized is "incremental"; want table or view`},
		{"ViewCallsChanged", "-- materialized: view\nselect a from t where precedent_changed(a)", false, "a view cannot call precedent_changed"},
		{"TableCallsChanged", "-- materialized: table\nselect a from t where precedent_changed(a)", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := parseModel("x", User, "x.sql", []byte(tt.src), tt.builtin)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if tt.name == "OK" && (len(m.Header.Key) != 2 || m.Header.Key[1] != "b") {
					t.Errorf("key = %v", m.Header.Key)
				}
				if got, want := m.View(), tt.name == "View"; got != want {
					t.Errorf("View() = %v, want %v", got, want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

// TestBuiltinNotVolatile checks that no built-in model reads a file or the
// clock: Resolve looks for such models among the analysts' only.
func TestBuiltinNotVolatile(t *testing.T) {
	ctx := context.Background()
	db, err := wh.Open(ctx, "", wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	unstable, err := volatileFunctions(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if !unstable["random"] || !unstable["now"] || !unstable["ago"] || unstable["md5"] {
		t.Errorf("volatile functions %v: want random, now and ago, not md5", unstable)
	}
	models, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models {
		p, err := references(ctx, db, m.SQL)
		if err != nil {
			t.Fatalf("%s: %v", m.Path, err)
		}
		if why := p.volatile(unstable); why != "" {
			t.Errorf("%s %s", m.Path, why)
		}
	}
}
