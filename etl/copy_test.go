package etl

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestAppendsMergeRowGroupsLater checks that a run appending rows to a
// copied table leaves its earlier row groups as they are (no checkpoint
// rewrites the table for a few rows) until the table holds more than
// maxExtraRowGroups row groups beyond what its rows need, and that the
// run then merges them.
func TestAppendsMergeRowGroupsLater(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	for i := 1; i <= maxExtraRowGroups+1; i++ {
		src := t.TempDir()
		fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), fmt.Sprintf("account_id,account_name,segment\nACC-%d,New Co %d,smb\n", 100+i, i))
		res := mustRun(t, src, data)
		if res.Entities[0].Entity != "accounts" || res.Entities[0].RowsLoaded != 1 {
			t.Fatalf("run %d: accounts %+v, want one row loaded", i+1, res.Entities[0])
		}
		db := fixture.OpenPublished(t, data)
		groups := queryInt(t, db, "SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('accounts')")
		rows := queryInt(t, db, "SELECT count(*) FROM accounts")
		db.Close()
		if rows != int64(3+i) {
			t.Errorf("after %d appends: %d accounts, want %d", i, rows, 3+i)
		}
		want := int64(1 + i)
		if i > maxExtraRowGroups {
			want = 1 // one small row group too many: the checkpoint merges them
		}
		if groups != want {
			t.Errorf("after %d appends: accounts in %d row groups, want %d", i, groups, want)
		}
	}
}

// goodCopies publishes a generation of testdata/good and returns a
// function that copies it, as a run starts from it, and connects to the
// copy.
func goodCopies(tb testing.TB) func(testing.TB) (*sql.DB, *sql.Conn) {
	tb.Helper()
	data := wh.Dir(tb.TempDir())
	mustRun(tb, "testdata/good", data)
	g, err := data.Published()
	if err != nil {
		tb.Fatal(err)
	}
	return func(tb testing.TB) (*sql.DB, *sql.Conn) {
		tb.Helper()
		dst := filepath.Join(tb.TempDir(), "copy.duckdb")
		if err := new(wh.Verifier).Copy(g.Path, dst); err != nil {
			tb.Fatal(err)
		}
		return fixture.Conn(tb, dst)
	}
}

// TestKeepCopied checks which copied entity tables a run merges into in
// place: every table a load of this version wrote, and none whose columns
// or column types are another version's (which the run drops and builds).
func TestKeepCopied(t *testing.T) {
	copyOf := goodCopies(t)
	ctx := context.Background()
	tests := []struct {
		name   string
		alter  string // run on the copy first
		entity string
		keep   bool
	}{
		{name: "AsWritten", keep: true},
		{"ColumnType", "ALTER TABLE fx_rates ALTER COLUMN rate_to_base TYPE DOUBLE", "fx_rates", false},
		{"ColumnDropped", "ALTER TABLE accounts DROP COLUMN region", "accounts", false},
		{"ColumnAdded", "ALTER TABLE deals ADD COLUMN extra VARCHAR", "deals", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db, conn := copyOf(t)
			if tt.alter != "" {
				if _, err := conn.ExecContext(ctx, tt.alter); err != nil {
					t.Fatal(err)
				}
			}
			b := &build{opts: Options{Logger: slog.New(slog.DiscardHandler)}, conn: conn, copied: true}
			for i := range contract.Entities {
				e := &contract.Entities[i]
				want := tt.keep || e.Name != tt.entity
				got, err := b.keepCopied(ctx, e)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Errorf("%s kept: %v, want %v", e.Name, got, want)
				}
				if exists := queryInt(t, db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", e.Name) == 1; exists != want {
					t.Errorf("%s's table left: %v, want %v", e.Name, exists, want)
				}
			}
		})
	}
}

// TestSettleCopy checks what a run keeps of the copied generation: in the
// ordinary way the entity tables, the ledgers and the models its catalog
// lists as built, tables and views alike, or without models the entity
// tables and ledgers alone; in a rebuild or a full refresh nothing.
func TestSettleCopy(t *testing.T) {
	copyOf := goodCopies(t)
	ctx := context.Background()
	setup := []string{
		"DROP TABLE IF EXISTS _models",
		"CREATE TABLE _models (name VARCHAR, status VARCHAR, state VARCHAR)",
		"CREATE VIEW stg_kept AS SELECT * FROM deals",
		"CREATE TABLE int_kept AS SELECT 1 AS x",
		"CREATE VIEW stg_failed AS SELECT * FROM deals",
		"CREATE TABLE int_stateless AS SELECT 1 AS x",
		"INSERT INTO _models VALUES ('stg_kept', 'built', 's1'), ('int_kept', 'built', 's2'), ('stg_failed', 'failed', 's3'), ('int_stateless', 'built', NULL)",
	}
	var entities []string
	for _, e := range contract.Entities {
		entities = append(entities, e.Name)
	}
	for _, l := range ledgers {
		entities = append(entities, l.name)
	}
	tests := []struct {
		name     string
		scratch  bool
		full     bool
		noModels bool
		want     []string // beside the entity tables
	}{
		{name: "Ordinary", want: []string{"int_kept", "stg_kept"}},
		{name: "NoModels", noModels: true, want: []string{}},
		{name: "Rebuild", scratch: true},
		{name: "FullRefresh", full: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, conn := copyOf(t)
			for _, q := range setup {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			opts := Options{Logger: slog.New(slog.DiscardHandler), FullRefresh: tt.full, Models: fpModels{}}
			if tt.noModels {
				opts.Models = nil
			}
			b := &build{opts: opts, conn: conn, copied: true, prev: true, scratch: tt.scratch}
			if err := b.settleCopy(ctx); err != nil {
				t.Fatal(err)
			}
			want := "[]"
			if tt.want != nil {
				want = fmt.Sprint(slices.Sorted(slices.Values(append(tt.want, entities...))))
			}
			rels, err := wh.Relations(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rels {
				got = append(got, r.Name)
			}
			slices.Sort(got)
			if fmt.Sprint(got) != want {
				t.Errorf("left %v, want %s", got, want)
			}
			if b.copied != (tt.want != nil) {
				t.Errorf("copied = %v after settling, want %v", b.copied, tt.want != nil)
			}
		})
	}
}

// martModels is a models step that writes one mart's lake file.
type martModels struct{}

func (martModels) Build(_ context.Context, env BuildEnv) (ModelsReport, error) {
	out := filepath.Join(env.Stage, filepath.FromSlash(martsPrefix), "deal_discounts.parquet")
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return ModelsReport{}, err
	}
	return ModelsReport{}, os.WriteFile(out, []byte("PAR1"), 0o644)
}

// TestNoModelsNoMarts checks that a run without models, on top of a
// generation built with them, leaves no mart in the lake and lists none in
// etl_lake_files, as its generation has no marts.
func TestNoModelsNoMarts(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	data := wh.Dir(t.TempDir())
	mart := data.Path(filepath.FromSlash(martsPrefix), "deal_discounts.parquet")
	lakeMarts := "SELECT count(*) FROM etl_lake_files WHERE starts_with(path, 'lake/marts/')"
	mustRun(t, src, data, func(o *Options) { o.Models = martModels{} })
	if _, err := os.Stat(mart); err != nil {
		t.Fatalf("the run with models wrote no mart: %v", err)
	}
	if n := queryInt(t, fixture.OpenPublished(t, data), lakeMarts); n != 1 {
		t.Fatalf("etl_lake_files lists %d marts after the run with models, want 1", n)
	}
	fixture.WriteFile(t, filepath.Join(src, "reps.csv"), "rep_id,rep_name,team,manager_id\nREP-1,Ana,East,\n")
	mustRun(t, src, data)
	if _, err := os.Stat(mart); !os.IsNotExist(err) {
		t.Errorf("after a run without models the mart's lake file is still there (%v)", err)
	}
	if n := queryInt(t, fixture.OpenPublished(t, data), lakeMarts); n != 0 {
		t.Errorf("etl_lake_files lists %d marts after a run without models, want 0", n)
	}
}
