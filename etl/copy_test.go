package etl

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
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

// TestKeepCopied checks which copied entity tables a run merges into in
// place: every table a load of this version wrote, and none whose columns
// or column types are another version's (which the run drops and builds).
func TestKeepCopied(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	g, err := data.Published()
	if err != nil {
		t.Fatal(err)
	}
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
			dst := filepath.Join(t.TempDir(), "copy.duckdb")
			if err := new(wh.Verifier).Copy(g.Path, dst); err != nil {
				t.Fatal(err)
			}
			db, conn := fixture.Conn(t, dst)
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
