package etl

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
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
