package queries_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestCompactGenerationKeepsModels checks a run that does not copy the
// published generation, because most of its blocks are free, but builds a
// compact one: the models nothing they read changed in are still kept,
// a table copied from the published generation and a view made again from
// its query, and every model is row for row what a load from nothing
// gives.
func TestCompactGenerationKeepsModels(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the definitions company four times")
	}
	ctx := context.Background()
	data, userDir := wh.Dir(t.TempDir()), t.TempDir()
	run := func(data wh.Dir, asOf string) *queries.Report {
		t.Helper()
		m := company.ModelsAsOf(settingsAsOf(asOf).AsOf)
		m.UserDir = userDir
		if _, err := company.Load(ctx, "testdata/definitions", data, m); err != nil {
			t.Fatal(err)
		}
		return m.Report
	}
	free := func() (free, used int64) {
		t.Helper()
		db := fixture.OpenPublished(t, data)
		defer db.Close()
		if err := db.QueryRow("SELECT free_blocks, used_blocks FROM pragma_database_size() WHERE database_name = current_database()").Scan(&free, &used); err != nil {
			t.Fatal(err)
		}
		return free, used
	}
	// An analyst's model larger than the rest of the warehouse, then
	// deleted: the generation after it is mostly free blocks.
	big := filepath.Join(userDir, "big.sql")
	fixture.WriteFile(t, big, "select random() as x, random() as y from range(2000000)\n")
	run(data, "2024-06-30")
	if err := os.Remove(big); err != nil {
		t.Fatal(err)
	}
	run(data, "2024-07-01")
	if f, u := free(); f <= u {
		t.Fatalf("with the big model gone, the generation has %d free blocks and %d used; the test needs more free", f, u)
	}
	rep := run(data, "2024-07-02")
	if f, u := free(); f > u {
		t.Fatalf("the run copied the mostly free generation (%d free blocks, %d used) instead of building a compact one", f, u)
	}
	kept := map[string]bool{}
	for _, r := range rep.Models {
		if r.Kept {
			kept[r.Name] = true
		}
	}
	// Neither reads the as-of date: a table and a view kept.
	for _, m := range []string{"int_contract_scope_features", "stg_contracts"} {
		if !kept[m] {
			t.Errorf("%s was computed; nothing it reads changed", m)
		}
	}
	fresh := wh.Dir(t.TempDir())
	run(fresh, "2024-07-02")
	got, want := fixture.OpenPublished(t, data), fixture.OpenPublished(t, fresh)
	for _, r := range rep.Models {
		if g, w := kindOf(t, got, r.Name), kindOf(t, want, r.Name); g != w {
			t.Errorf("%s is a %s, want a %s", r.Name, g, w)
		}
		if g, w := modelRows(t, got, r.Name), modelRows(t, want, r.Name); g != w {
			t.Errorf("%s differs from a load from nothing: %s, want %s", r.Name, g, w)
		}
	}
}
