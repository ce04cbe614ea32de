// Package runlog records every run Precedent makes (ETL loads and weekly
// reports, scheduled or manual) in an append-only JSON-lines file, and keeps
// two runs of one kind from overlapping, across processes.
package runlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"syscall"
	"time"
)

// Run statuses.
const (
	Running   = "running"
	Success   = "success"
	Warning   = "warning" // published, but some input was rejected
	Failed    = "failed"
	Abandoned = "abandoned" // the process died mid-run
	// Unchanged: nothing changed since the run that published the
	// warehouse, which the run kept; it published nothing.
	Unchanged = "unchanged"
	// Landed: a pull-only run (precedent pull) landed what the sources
	// held new; the next ETL run loads it.
	Landed = "landed"
)

// Record is one state of one run. A run appends a record when it starts and
// another when it ends; the latest record of a run is its state.
type Record struct {
	Kind      string          `json:"kind"`
	ID        int             `json:"id"`
	Trigger   string          `json:"trigger"`
	Attempt   int             `json:"attempt,omitempty"`
	Status    string          `json:"status"`
	StartedAt time.Time       `json:"started_at"`
	EndedAt   time.Time       `json:"ended_at,omitzero"`
	PID       int             `json:"pid"`
	Error     string          `json:"error,omitempty"`
	Detail    json.RawMessage `json:"detail,omitempty"`
}

// StatusText says in words what the run's status means to a reader: an
// ETL run that rejected input published "with warnings", one that found
// nothing changed was "checked, nothing changed". Pages and reports show
// it; the status itself stays the record's and the CLI's word.
func (r Record) StatusText() string {
	switch r.Status {
	case Running:
		return "running"
	case Failed:
		return "failed"
	case Abandoned:
		return "abandoned: the process died mid-run"
	}
	if r.Kind != "etl" {
		if r.Status == Success {
			return "done"
		}
		return r.Status
	}
	switch r.Status {
	case Success:
		return "published"
	case Warning:
		return "published with warnings: some input was rejected"
	case Unchanged:
		return "checked, nothing changed: the published generation was kept"
	case Landed:
		return "pulled, not loaded yet: the next ETL run loads what it landed"
	}
	return r.Status
}

// Log is the run log file.
type Log struct{ path string }

// Open returns the log at path; the file is created by the first Append.
func Open(path string) *Log { return &Log{path: path} }

// Append writes r as one line and flushes it to disk.
func (l *Log) Append(r Record) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("append run record: %w", err)
	}
	f, err := os.OpenFile(l.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("append run record: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("append run record: %w", err)
	}
	return f.Sync()
}

// Runs returns the latest state of every run of kind ("" for all kinds),
// oldest first. A run still marked running whose process is gone is
// reported as abandoned.
func (l *Log) Runs(kind string) ([]Record, error) {
	f, err := os.Open(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read run log: %w", err)
	}
	defer f.Close()
	type key struct {
		kind string
		id   int
	}
	latest := map[key]int{}
	var out []Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// A line torn by a crash (with whatever was appended after it
			// on the same line) cannot be read: skipping it loses that
			// line's records, not the whole log.
			continue
		}
		if kind != "" && r.Kind != kind {
			continue
		}
		k := key{r.Kind, r.ID}
		if i, ok := latest[k]; ok {
			out[i] = r
			continue
		}
		latest[k] = len(out)
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read run log: %w", err)
	}
	for i := range out {
		if out[i].Status == Running && !alive(out[i].PID) {
			out[i].Status = Abandoned
		}
	}
	slices.SortStableFunc(out, func(a, b Record) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return a.ID - b.ID
	})
	return out, nil
}

// Next returns the id for a new run of kind.
func (l *Log) Next(kind string) (int, error) {
	runs, err := l.Runs(kind)
	if err != nil {
		return 0, err
	}
	return nextID(runs), nil
}

// nextID is the id after the largest of runs.
func nextID(runs []Record) int {
	next := 1
	for _, r := range runs {
		next = max(next, r.ID+1)
	}
	return next
}

// LastSuccess returns the latest run of kind that published, if any.
func (l *Log) LastSuccess(kind string) (Record, bool, error) {
	runs, err := l.Runs(kind)
	if err != nil {
		return Record{}, false, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		if runs[i].Status == Success || runs[i].Status == Warning {
			return runs[i], true, nil
		}
	}
	return Record{}, false, nil
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
