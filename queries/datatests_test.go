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
	got := runTests(ctx, conn, m, m.tests(), nil, nil)
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
