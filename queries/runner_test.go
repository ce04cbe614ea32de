package queries_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/queries"
)

// TestUserModels builds analysts' models next to the built-in ones: the
// good ones build and are tested, each broken one is reported with its file
// (and line where there is one) and keeps nothing else from publishing.
func TestUserModels(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"accounts_by_segment.sql": "-- grain: one row per segment\n-- key: segment\n-- tests:\n--   - not_null: deals\nselect segment, count(*) as deals\nfrom deal_discounts\ngroup by segment\n",
		"nested/late share.sql":   "select avg(is_late_quarter::int) as share from deal_discounts\n",
		"unknown.sql":             "-- a comment\nselect *\nfrom no_such_table\n",
		"needs_unknown.sql":       "select * from unknown\n",
		"cycle_a.sql":             "select * from cycle_b\n",
		"cycle_b.sql":             "select * from cycle_a\n",
		"syntax.sql":              "select account_id\nfrom stg_accounts\nwhere and\n",
		"fails_test.sql":          "-- tests:\n--   - assert: select * from fails_test where n > 0\nselect 1 as n\n",
		"bad_header.sql":          "-- grain: [unclosed\nselect 1\n",
		"runtime_error.sql":       "select 1 / 0 as x, 'a'::integer as y\n",
		"reads_late.sql":          "select * from \"late share\"\n",
		// Reads a model through a CTE of the model's name: it must
		// build after that model, whose state it reads.
		"shadows.sql": "with accounts_by_segment as (select * from accounts_by_segment)\nselect sum(deals) as deals from accounts_by_segment\n",
		// Views: one whose query fails only when its columns are computed.
		"segments.sql": "-- materialized: view\nselect segment from stg_accounts\n",
		"bad_view.sql": "-- materialized: view\nselect account_name::integer as n from stg_accounts\n",
		// Named like a ledger and like an entity: building them would
		// replace those tables.
		"quarantine.sql": "select 1 as x\n",
		"reps.sql":       "select 1 as x\n",
	}
	for name, src := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, rep, data := load(t, "testdata/definitions", settingsAsOf("2024-06-30"), dir)
	status := map[string]queries.ModelResult{}
	for _, m := range rep.Models {
		status[m.Name] = m
	}
	tests := []struct {
		model, status, err string
	}{
		{"accounts_by_segment", queries.Built, ""},
		{"late share", queries.Built, ""},
		{"segments", queries.Built, ""},
		{"bad_view", queries.Failed, "Conversion Error"},
		{"unknown", queries.Failed, "unknown.sql:3: unknown relation no_such_table"},
		{"needs_unknown", queries.Skipped, "reads unknown"},
		{"cycle_a", queries.Failed, "dependency cycle"},
		{"cycle_b", queries.Failed, "dependency cycle"},
		{"syntax", queries.Failed, "syntax.sql:3: syntax error"},
		{"fails_test", queries.Built, ""},
		{"bad_header", queries.Failed, "bad_header.sql: header"},
		{"runtime_error", queries.Failed, "Conversion Error"},
		{"deal_discounts", queries.Built, ""},
		{"reads_late", queries.Built, ""},
		{"shadows", queries.Built, ""},
		{"quarantine", queries.Failed, "quarantine.sql: the warehouse already has a table named quarantine"},
		{"reps", queries.Failed, "reps.sql: the warehouse already has a table named reps"},
	}
	for _, tt := range tests {
		got, ok := status[tt.model]
		if !ok {
			t.Errorf("%s: not reported", tt.model)
			continue
		}
		if got.Status != tt.status || !strings.Contains(got.Error, tt.err) {
			t.Errorf("%s: status %s error %q, want %s with %q", tt.model, got.Status, got.Error, tt.status, tt.err)
		}
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM accounts_by_segment"); got != "3" {
		t.Errorf("accounts_by_segment rows = %s, want 3", got)
	}
	if got := fixture.Value(t, db, "SELECT status || ' ' || failing_rows FROM _data_tests WHERE model = 'fails_test'"); got != "fail 1" {
		t.Errorf("fails_test's test = %s, want fail 1", got)
	}
	if got := fixture.Value(t, db, "SELECT (SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('unknown', 'syntax', 'runtime_error')) + (SELECT count(*) FROM duckdb_views() WHERE view_name = 'bad_view')"); got != "0" {
		t.Errorf("failed models left %s tables or views", got)
	}
	if got := fixture.Value(t, db, "SELECT depends_on::VARCHAR FROM _models WHERE name = 'shadows'"); got != "[accounts_by_segment]" {
		t.Errorf("shadows depends on %s, want [accounts_by_segment]", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM shadows WHERE deals = (SELECT sum(deals) FROM accounts_by_segment)"); got != "1" {
		t.Errorf("shadows does not hold the deals of accounts_by_segment")
	}
	if got := fixture.Value(t, db, "SELECT status FROM _models WHERE name = 'needs_unknown'"); got != "skipped" {
		t.Errorf("_models status of needs_unknown = %s", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM duckdb_columns() WHERE table_name IN ('quarantine', 'reps') AND column_name = 'x'"); got != "0" {
		t.Errorf("a model named like a ledger or an entity replaced %s of them", got)
	}

	// The next run starts from a copy of this generation, with the models'
	// tables: two models deleted (one a view), another broken. As a build
	// from nothing would, the model reading the deleted one fails, and no
	// table or view is left of any of them.
	for _, f := range []string{filepath.Join("nested", "late share.sql"), "segments.sql"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	fixture.WriteFile(t, filepath.Join(dir, "accounts_by_segment.sql"), "select no_such_column from deal_discounts\n")
	status = map[string]queries.ModelResult{}
	for _, r := range loadInto(t, "testdata/definitions", data, settingsAsOf("2024-06-30"), dir).Models {
		status[r.Name] = r
	}
	for name, want := range map[string]string{"reads_late": "unknown relation late share", "accounts_by_segment": "no_such_column"} {
		if got := status[name]; got.Status != queries.Failed || !strings.Contains(got.Error, want) {
			t.Errorf("after the change, %s: status %s error %q, want failed with %q", name, got.Status, got.Error, want)
		}
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT coalesce(string_agg(table_name, ', ' ORDER BY table_name), '') FROM (SELECT table_name FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views()) WHERE table_name IN ('late share', 'accounts_by_segment', 'reads_late', 'segments')"); got != "" {
		t.Errorf("the copied generation keeps the tables of models gone or not built: %s", got)
	}
}

// TestCatalog checks every built-in model is recorded with its layer,
// documented columns that exist, and dependencies.
func TestCatalog(t *testing.T) {
	db, rep, data := load(t, "testdata/definitions", settingsAsOf("2024-06-30"), "")
	for _, m := range rep.Models {
		if m.Status != queries.Built {
			t.Errorf("%s: %s %s", m.Name, m.Status, m.Error)
		}
	}
	for _, tr := range rep.Tests {
		if tr.Status != queries.Pass {
			t.Errorf("data test %s on %s: %s %d %s", tr.Name, tr.Model, tr.Status, tr.FailingRows, tr.Error)
		}
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM _model_columns WHERE description IS NOT NULL"); got == "0" {
		t.Errorf("no column documentation recorded")
	}
	// A documented column that the model does not produce is a doc bug.
	models, err := queries.Load("")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range models {
		for _, col := range m.Header.ColumnNames() {
			if fixture.Value(t, db, "SELECT count(*) FROM _model_columns WHERE model = ? AND column_name = ?", m.Name, col) != "1" {
				t.Errorf("%s documents column %s, which it does not have", m.Path, col)
			}
		}
	}
	// The staging models are views, the others tables, as their headers
	// say and the catalog records.
	read, err := queries.ReadCatalog(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for _, c := range read {
		kinds[c.Name] = c.Materialized
	}
	for _, m := range models {
		want := queries.Table
		if m.Layer == queries.Staging {
			want = queries.View
		}
		got := kindOf(t, db, m.Name) + " " + fixture.Value(t, db, "SELECT materialized FROM _models WHERE name = ?", m.Name) + " " + kinds[m.Name]
		if got != want+" "+want+" "+want {
			t.Errorf("%s is (in the generation, in the catalog, as ReadCatalog reads it) %s, want %s", m.Name, got, want)
		}
	}
	if got := fixture.Value(t, db, "SELECT list_sort(depends_on)::VARCHAR FROM _models WHERE name = 'renewal_anchoring'"); got != "[int_renewal_pairs]" {
		t.Errorf("renewal_anchoring depends on %s", got)
	}
	for _, mart := range []string{"deal_discounts", "headline_metrics", "renewal_risk", "exception_register"} {
		if _, err := os.Stat(data.Path("lake", "marts", mart+".parquet")); err != nil {
			t.Errorf("mart %s not exported: %v", mart, err)
		}
	}
}

// A catalog recorded before models could be views has no materialized
// column: ReadCatalog reads its models as the tables they were.
func TestReadCatalogBeforeViews(t *testing.T) {
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE _models (name VARCHAR, layer VARCHAR, path VARCHAR, grain VARCHAR, key VARCHAR[], description VARCHAR,
  depends_on VARCHAR[], status VARCHAR, error VARCHAR, row_count BIGINT, build_seconds DOUBLE, tests_passed INTEGER, tests_failed INTEGER, sql VARCHAR);
INSERT INTO _models VALUES ('stg_deals', 'staging', 'staging/stg_deals.sql', 'one row per deal', ['deal_id'], '', ['deals'], 'built', NULL, 3, 0.01, 2, 0, 'select 1')`); err != nil {
		t.Fatal(err)
	}
	got, err := queries.ReadCatalog(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "stg_deals" || got[0].Materialized != queries.Table || got[0].Rows != 3 {
		t.Errorf("ReadCatalog = %+v, want stg_deals as a table of 3 rows", got)
	}
}

// TestVolatileModels checks that a model reading a file or the clock, and
// what reads it, is computed on every run, where a model of the same
// tables that does neither is kept.
func TestVolatileModels(t *testing.T) {
	ext := filepath.Join(t.TempDir(), "ext.csv")
	fixture.WriteFile(t, ext, "x\n1\n")
	dir := t.TempDir()
	for name, src := range map[string]string{
		"ext.sql":         "select * from read_csv('" + ext + "')\n",
		"reads_ext.sql":   "select x * 10 as y from ext\n",
		"clock.sql":       "select current_date as today, count(*) as deals from deal_discounts\n",
		"stamped.sql":     "select count(*) as deals, max(now()) as at from deal_discounts\n",
		"random_pick.sql": "select random() < 2 as ok\n",
		"steady.sql":      "select count(*) as deals from deal_discounts\n",
		"series.sql":      "select range as i from range(3)\n",
	} {
		fixture.WriteFile(t, filepath.Join(dir, name), src)
	}
	data := wh.Dir(t.TempDir())
	run := func() map[string]queries.ModelResult {
		t.Helper()
		out := map[string]queries.ModelResult{}
		for _, r := range loadInto(t, "testdata/definitions", data, settingsAsOf("2024-06-30"), dir).Models {
			out[r.Name] = r
		}
		return out
	}
	run()
	fixture.WriteFile(t, ext, "x\n2\n")
	second := run()
	tests := []struct {
		model, volatile string
		kept            bool
	}{
		{"ext", "reads from read_csv()", false},
		{"reads_ext", "", false},
		{"clock", "reads current_date", false},
		{"stamped", "calls now()", false},
		{"random_pick", "calls random()", false},
		{"steady", "", true},
		{"series", "", true},
		{"deal_discounts", "", true},
	}
	for _, tt := range tests {
		r := second[tt.model]
		if r.Status != queries.Built || r.Volatile != tt.volatile || r.Kept != tt.kept {
			t.Errorf("%s: status %s, volatile %q, kept %v; want built, %q, %v", tt.model, r.Status, r.Volatile, r.Kept, tt.volatile, tt.kept)
		}
	}
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT y FROM reads_ext"); got != "20" {
		t.Errorf("reads_ext after the file changed: y = %s, want 20", got)
	}
}

// slowly makes a model's query take about a second on a small machine: a
// WHERE clause summing 200M numbers (DuckDB answers count(*) of range()
// from its cardinality, without counting).
const slowly = " where (select sum(i % 7) from range(200000000) t(i)) > 0"

// TestTestsWaitForModelsStillBuilding checks that a data test reading a
// model listed before its own but still building when its own is built
// (both read nothing, so they build at once on two connections) waits for
// that model: models are handed to their tests as they finish, and in a
// build from nothing a test run early would not find the slow model's table.
func TestTestsWaitForModelsStillBuilding(t *testing.T) {
	dir := t.TempDir()
	fixture.WriteFile(t, filepath.Join(dir, "a_slow.sql"), "select * from (values (1), (2)) v(id)"+slowly+"\n")
	fixture.WriteFile(t, filepath.Join(dir, "z_fast.sql"), "-- tests:\n--   - relationships: {column: id, to: a_slow.id}\n"+
		"--   - assert: select * from z_fast where id not in (select id from a_slow)\nselect 1 as id union all select 2\n")
	rep := loadInto(t, "testdata/definitions", wh.Dir(t.TempDir()), settingsAsOf("2024-06-30"), dir)
	var got []string
	for _, r := range rep.Tests {
		if r.Model == "z_fast" {
			got = append(got, r.Name)
			if r.Status != queries.Pass {
				t.Errorf("%s: %s %s, want pass", r.Name, r.Status, r.Error)
			}
		}
	}
	want := []string{"relationships(id -> a_slow.id)", "assert: id not in (select id from a_slow)"}
	if !slices.Equal(got, want) {
		t.Errorf("z_fast's tests %q, want %q in the order of its header", got, want)
	}
}

// TestTestsOfModelsBuiltLater checks that a data test reading a model
// built after its own (a relationship, an assert) runs once that model is
// built: in a build from nothing it finds the model's table, and in a run
// that computes that model again it reads the new rows, not the copy of
// the published ones.
func TestTestsOfModelsBuiltLater(t *testing.T) {
	dir := t.TempDir()
	fixture.WriteFile(t, filepath.Join(dir, "a_first.sql"), "-- tests:\n--   - relationships: {column: id, to: z_later.id}\n"+
		"--   - assert: select * from a_first where id not in (select id from z_later)\nselect 1 as id union all select 2\n")
	// z_later takes a while to build, so that a_first's tests, which run
	// beside the build, would read it before it is built if they did not
	// wait.
	fixture.WriteFile(t, filepath.Join(dir, "z_later.sql"), "select * from (values (1), (2)) v(id)"+slowly+"\n")
	data := wh.Dir(t.TempDir())
	run := func() map[string]queries.TestResult {
		t.Helper()
		out := map[string]queries.TestResult{}
		for _, r := range loadInto(t, "testdata/definitions", data, settingsAsOf("2024-06-30"), dir).Tests {
			if r.Model == "a_first" {
				out[r.Name] = r
			}
		}
		return out
	}
	tests := []string{"relationships(id -> z_later.id)", "assert: id not in (select id from z_later)"}
	first := run()
	for _, name := range tests {
		if r := first[name]; r.Status != queries.Pass {
			t.Errorf("build from nothing: %s: %s %s", name, r.Status, r.Error)
		}
	}
	fixture.WriteFile(t, filepath.Join(dir, "z_later.sql"), "select * from (values (1)) v(id)"+slowly+"\n")
	second := run()
	for _, name := range tests {
		if r := second[name]; r.Status != queries.Fail || r.FailingRows != 1 || r.Reused {
			t.Errorf("z_later computed again without id 2: %s: %s, %d failing rows, reused %v; want 1 failing row", name, r.Status, r.FailingRows, r.Reused)
		}
	}
}
