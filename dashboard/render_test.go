package dashboard

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// TestLastETLFollowsTheRunLog checks the cached last ETL run changes as
// soon as a run is appended to the log.
func TestLastETLFollowsTheRunLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	log := runlog.Open(path)
	var c lastETL
	if r, _ := c.get(path, log); r != nil {
		t.Fatalf("no log: got run %d, want none", r.ID)
	}
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for id := 1; id <= 3; id++ {
		rec := runlog.Record{Kind: "etl", ID: id, Trigger: "manual", Status: runlog.Running, StartedAt: start.Add(time.Duration(id) * time.Hour)}
		if err := log.Append(rec); err != nil {
			t.Fatal(err)
		}
		rec.Status, rec.EndedAt = runlog.Success, rec.StartedAt.Add(time.Minute)
		if id == 3 {
			rec.Status = runlog.Failed
		}
		if err := log.Append(rec); err != nil {
			t.Fatal(err)
		}
		want := min(id, 2)
		for range 2 { // the second read comes from the cache
			if r, _ := c.get(path, log); r == nil || r.ID != want {
				t.Fatalf("after run %d: got %v, want run %d", id, r, want)
			}
		}
	}
}
