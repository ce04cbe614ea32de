package runlog

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

func TestRuns(t *testing.T) {
	dir := t.TempDir()
	l := Open(filepath.Join(dir, "runs.jsonl"))
	if runs, err := l.Runs(""); err != nil || len(runs) != 0 {
		t.Fatalf("empty log: %v %v", runs, err)
	}
	// A process that has exited stands for a run killed mid-way.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	records := []Record{
		{Kind: "etl", ID: 1, Status: Running, StartedAt: t0, PID: os.Getpid()},
		{Kind: "etl", ID: 1, Status: Success, StartedAt: t0, EndedAt: t0.Add(time.Minute), PID: os.Getpid()},
		{Kind: "report", ID: 1, Status: Running, StartedAt: t0.Add(time.Hour), PID: os.Getpid()},
		{Kind: "etl", ID: 2, Status: Running, StartedAt: t0.Add(24 * time.Hour), PID: dead.Process.Pid},
	}
	for _, r := range records {
		if err := l.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	// A torn last line, as a crash mid-write would leave.
	f, _ := os.OpenFile(filepath.Join(dir, "runs.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"kind":"etl","id":3,"sta`)
	f.Close()

	etl, err := l.Runs("etl")
	if err != nil {
		t.Fatal(err)
	}
	if len(etl) != 2 || etl[0].Status != Success || etl[1].Status != Abandoned {
		t.Fatalf("etl runs = %+v, want run 1 success and run 2 abandoned", etl)
	}
	if all, _ := l.Runs(""); len(all) != 3 || all[1].Kind != "report" || all[1].Status != Running {
		t.Errorf("all runs = %+v, want 3 in start order with the report running", all)
	}
	if n, _ := l.Next("etl"); n != 3 {
		t.Errorf("next etl id = %d, want 3", n)
	}
	if n, _ := l.Next("report"); n != 2 {
		t.Errorf("next report id = %d, want 2", n)
	}
	last, ok, err := l.LastSuccess("etl")
	if err != nil || !ok || last.ID != 1 {
		t.Errorf("last success = %+v %v %v, want run 1", last, ok, err)
	}

	// A run started now sees the runs of its kind as Runs does, and its own
	// record apart, under the next id.
	run, err := Start(dir, filepath.Join(dir, "runs.jsonl"), "etl", "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Finish(Success, nil, nil)
	earlier := run.Earlier()
	if len(earlier) != 2 || earlier[0].Status != Success || earlier[1].Status != Abandoned {
		t.Errorf("earlier runs = %+v, want run 1 success and run 2 abandoned", earlier)
	}
	if me := run.Record(); me.ID != 3 || me.Status != Running || me.PID != os.Getpid() {
		t.Errorf("own record = %+v, want run 3 running in this process", me)
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	a, err := TryLock(dir, "etl")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TryLock(dir, "etl"); !errors.Is(err, ErrBusy) {
		t.Errorf("second lock: err = %v, want ErrBusy", err)
	}
	r, err := TryLock(dir, "report")
	if err != nil {
		t.Errorf("another kind's lock: %v", err)
	} else {
		r.Unlock()
	}
	a.Unlock()
	b, err := TryLock(dir, "etl")
	if err != nil {
		t.Errorf("lock after unlock: %v", err)
	} else {
		b.Unlock()
	}
}

// TestStartFinish records a run from start to end: one kind at a time, the
// next id, a failure's text, and the detail read back as an ETL run's.
func TestStartFinish(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "runs.jsonl")
	r, err := Start(dir, path, "etl", "manual", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Start(dir, path, "etl", "schedule", 0); err == nil {
		t.Errorf("a second etl run started while the first holds the lock")
	}
	detail := map[string]any{"entities": []map[string]any{{"entity": "deals", "rows_read": 5, "rows_loaded": 4, "rows_quarantined": 1}}, "recovered": "rebuilt"}
	if err := r.Finish(Success, errors.New("boom"), detail); err != nil {
		t.Fatal(err)
	}
	r2, err := Start(dir, path, "etl", "manual", 1)
	if err != nil || r2.ID() != r.ID()+1 {
		t.Fatalf("next run: %v, id %d after %d", err, r2.ID(), r.ID())
	}
	r2.Finish(Success, nil, nil)
	runs, err := Open(path).Runs("etl")
	if err != nil || len(runs) != 2 {
		t.Fatalf("runs: %d (%v)", len(runs), err)
	}
	var first Record
	for _, rec := range runs {
		if rec.ID == r.ID() {
			first = rec
		}
	}
	read, loaded, quarantined := first.ETL().Totals()
	if first.Status != Failed || first.Error != "boom" || read != 5 || loaded != 4 || quarantined != 1 || first.ETL().Recovered != "rebuilt" {
		t.Errorf("first run: %+v; totals %d %d %d", first, read, loaded, quarantined)
	}
}

func TestStatusText(t *testing.T) {
	for _, tt := range []struct {
		kind, status, want string
	}{
		{"etl", Success, "published"},
		{"etl", Warning, "published with warnings: some input was rejected"},
		{"etl", Unchanged, "checked, nothing changed: the published generation was kept"},
		{"etl", Landed, "pulled, not loaded yet: the next ETL run loads what it landed"},
		{"etl", Failed, "failed"},
		{"etl", Abandoned, "abandoned: the process died mid-run"},
		{"report", Success, "done"},
		{"report", Running, "running"},
	} {
		if got := (Record{Kind: tt.kind, Status: tt.status}).StatusText(); got != tt.want {
			t.Errorf("%s %s: got %q, want %q", tt.kind, tt.status, got, tt.want)
		}
	}
}
