package etl

import (
	"slices"
	"testing"
)

// TestDeltaLeavesOutRemovals checks that an entity that lost earlier rows
// (deleted at the vendor, or orphaned) is not in the models' delta, even
// when it also loaded rows: models updated in place find its change by
// _run_id, and a removed row has none.
func TestDeltaLeavesOutRemovals(t *testing.T) {
	b := &build{res: &Result{RunID: 7, Entities: []EntityResult{
		{Entity: "tickets", RowsLoaded: 3},
		{Entity: "deals", RowsLoaded: 2, RowsDeleted: 1},
		{Entity: "deal_lines", RowsOrphaned: 2},
		{Entity: "accounts"},
	}}, filled: map[string]bool{}}
	versions := map[string]string{"tickets": "run 7", "deals": "run 7", "deal_lines": "run 7", "accounts": "run 3"}
	if got := b.delta(versions); !slices.Equal(got, []string{"tickets"}) {
		t.Errorf("delta %v, want [tickets]", got)
	}
}
