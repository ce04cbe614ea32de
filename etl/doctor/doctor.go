// Package doctor checks a data directory for damage and for what runs
// that died left behind, and repairs what can be repaired without losing
// anything: it points the warehouse link at the newest intact generation,
// moves damaged generations aside (under data/damaged, never deleting
// one) and clears leftovers. It repairs only while it holds the ETL lock,
// so it never races a run.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Finding statuses.
const (
	OK       = "ok"
	Problem  = "problem"  // still wrong: precedent doctor exits 1
	Repaired = "repaired" // was wrong, and --repair fixed it
	Note     = "note"     // worth knowing, nothing to fix
)

// Finding is one thing a check found, said in one line.
type Finding struct {
	Status string
	Text   string
}

// Options configure a check.
type Options struct {
	Data   wh.Dir
	Repair bool
	DuckDB wh.Settings // for reading a generation's list of lake files
}

// Report is what a check found, in order.
type Report struct {
	Findings []Finding
}

// Problems counts the findings still wrong.
func (r *Report) Problems() int {
	n := 0
	for _, f := range r.Findings {
		if f.Status == Problem {
			n++
		}
	}
	return n
}

// Line is a finding as doctor prints it: the status, padded, then the text.
func Line(f Finding) string { return fmt.Sprintf("%-8s %s", f.Status, f.Text) }

func (r *Report) add(status, format string, args ...any) {
	r.Findings = append(r.Findings, Finding{Status: status, Text: fmt.Sprintf(format, args...)})
}

// ErrBusy means --repair found an ETL run going: it waits for none.
var ErrBusy = errors.New("an etl run holds the lock; repair when it has ended")

// Run checks the data directory and, with Repair, repairs it: the link and
// every generation's checksum, the lake files' checksums, and leftovers.
func Run(ctx context.Context, opts Options) (*Report, error) {
	if fi, err := os.Stat(string(opts.Data)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("data directory %s: not found", opts.Data)
	}
	r := &Report{}
	lock, err := runlog.TryLock(string(opts.Data), "etl")
	switch {
	case errors.Is(err, runlog.ErrBusy) && opts.Repair:
		return nil, ErrBusy
	case errors.Is(err, runlog.ErrBusy):
		r.add(Note, "an etl run is going: its files are not leftovers, so leftovers are not checked")
	case err != nil:
		return nil, err
	default:
		defer lock.Unlock()
	}
	d := &doctor{opts: opts, r: r, v: &wh.Verifier{}}
	intact, err := d.generations()
	if err != nil {
		return nil, err
	}
	if err := d.lake(ctx, intact); err != nil {
		return nil, err
	}
	if lock != nil {
		if err := d.leftovers(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// doctor is one check of a data directory.
type doctor struct {
	opts Options
	r    *Report
	v    *wh.Verifier // a new one per check: every file is hashed afresh
}

// leftovers reports, and with Repair clears, what dead runs left.
func (d *doctor) leftovers() error {
	left, err := d.opts.Data.Leftovers()
	if err != nil {
		return err
	}
	for _, l := range left {
		if !d.opts.Repair {
			d.r.add(Problem, "%s: %s (precedent doctor --repair clears it)", l.Path, l.What)
			continue
		}
		if err := d.opts.Data.Clear(l); err != nil {
			d.r.add(Problem, "%s: %s; clearing it failed: %v", l.Path, l.What, err)
			continue
		}
		d.r.add(Repaired, "%s: %s; cleared", l.Path, l.What)
	}
	if len(left) == 0 {
		d.r.add(OK, "no leftovers of runs that did not finish")
	}
	return nil
}
