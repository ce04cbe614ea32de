package etl

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// A Puller fetches what a source that is no folder (a connector's
// database) holds new since its last pull, and lands it as files in its
// landing folder, data/landing/<source>/. The run then reads every landing
// folder as folder landing/<source>/ of its source, through the same
// detection, adapters, validation and quarantine as any file; files it
// loaded before are skipped as unchanged. Package etl knows nothing of the
// systems pulled from.
type Puller interface {
	// Name is the source's name: its landing folder's.
	Name() string
	Pull(ctx context.Context, env PullEnv) (PullReport, error)
}

// PullEnv is what a pull gets from the run.
type PullEnv struct {
	RunID   int    // names the files the pull lands: <object>/<run>.parquet
	Landing string // the source's landing folder
	Cursors string // the file holding the source's cursors (where each table's last pull stopped)
	// Progress is called as rows arrive, with Stage "pull", Entity the
	// source and object, and Rows the rows read of it so far.
	Progress func(Progress)
}

// PullReport is what one source's pull did, kept in the run log. It holds
// no secrets.
type PullReport struct {
	Source  string       `json:"source"`
	Kind    string       `json:"kind"`
	Objects []PullObject `json:"objects"`
	Seconds float64      `json:"seconds"`
}

// PullObject is what a pull read of one table.
type PullObject struct {
	Object  string `json:"object"`         // vendor/table
	Table   string `json:"table"`          // as the source names it (schema.table)
	Rows    int64  `json:"rows"`           // rows landed
	Deleted int64  `json:"deleted"`        // of Rows, marked deleted by the connector
	File    string `json:"file,omitempty"` // the landed file, relative to the data directory; empty when nothing was new
	Since   string `json:"since,omitempty"`
	Cursor  string `json:"cursor,omitempty"` // the sync time the next pull starts after
	// Skipped says why the table was not read (such as an object the
	// source does not have), empty when it was.
	Skipped string `json:"skipped,omitempty"`
}

// LandingPrefix is the folder the landing folders appear under in a run's
// source: a landed file's path is landing/<source>/<object>/<run>.parquet,
// its path under the data directory.
const LandingPrefix = "landing"

// Pull pulls the sources of opts.Pullers and lands what they hold new,
// loading nothing: the next Run loads it. It takes the ETL's lock and its
// run ids (landed files are named by them), and records itself in the run
// log as an ETL run with status landed, or failed.
func Pull(ctx context.Context, opts Options) (*Result, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Trigger == "" {
		opts.Trigger = "pull"
	}
	if err := os.MkdirAll(string(opts.Data), 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	rl, err := runlog.Start(string(opts.Data), opts.Data.RunLog(), "etl", opts.Trigger, opts.Attempt)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: rl.ID(), StartedAt: rl.StartedAt(), Status: runlog.Running}
	pullErr := pull(ctx, opts, res)
	res.EndedAt = time.Now().UTC()
	res.Status = runlog.Landed
	if pullErr != nil {
		res.Status = runlog.Failed
	}
	if err := rl.Finish(res.Status, pullErr, res); err != nil && pullErr == nil {
		pullErr = err
	}
	if pullErr != nil {
		return res, fmt.Errorf("pull run %d: %w", res.RunID, pullErr)
	}
	return res, nil
}

// pull runs the run's pullers in order. A failed pull fails the run: its
// error names the source, and what it landed before failing stays, with
// its cursors, for the next run to load and continue from.
func pull(ctx context.Context, opts Options, res *Result) error {
	for _, p := range opts.Pullers {
		start := time.Now()
		env := PullEnv{RunID: res.RunID, Landing: opts.Data.Landing(p.Name()), Cursors: opts.Data.Cursors(p.Name()), Progress: func(pr Progress) {
			if opts.Progress != nil {
				opts.Progress(pr)
			}
		}}
		if err := os.MkdirAll(env.Landing, 0o755); err != nil {
			return fmt.Errorf("pull %s: %w", p.Name(), err)
		}
		// Files a pull that was killed left half-written beside the landing folder.
		parts, _ := filepath.Glob(filepath.Join(filepath.Dir(env.Landing), "."+filepath.Base(env.Landing)+"-*.part"))
		for _, part := range parts {
			os.Remove(part)
		}
		rep, err := p.Pull(ctx, env)
		rep.Source, rep.Seconds = p.Name(), time.Since(start).Seconds()
		res.Pulls = append(res.Pulls, rep)
		if err != nil {
			return fmt.Errorf("pull %s: %w", p.Name(), err)
		}
		opts.Logger.Info("pulled", "source", p.Name(), "objects", len(rep.Objects), "seconds", rep.Seconds)
	}
	return nil
}

// landingNames are the names of the landing folders a run reads besides
// its source folder, as the source lists them (landing/<name>/).
func (o Options) landingNames() []string {
	var out []string
	for _, p := range o.Pullers {
		out = append(out, filepath.ToSlash(filepath.Join(LandingPrefix, p.Name()))+"/")
	}
	return out
}

// landed says a source path is a landed file's (under landing/<source>/).
func (o Options) landed(rel string) bool {
	for _, name := range o.landingNames() {
		if strings.HasPrefix(rel, name) {
			return true
		}
	}
	return false
}

// root is the folder a source path is relative to: the data directory
// for landed files, else the source folder.
func (o Options) root(rel string) string {
	if o.landed(rel) {
		return string(o.Data)
	}
	return o.Source
}
