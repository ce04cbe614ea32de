// Package etl loads a source directory of quote-to-cash data into
// Precedent's Parquet lake and a new DuckDB warehouse generation: it reads
// every entity file, validates it against the data contract, quarantines
// what cannot load with its file, row, column and reason, merges accepted
// rows with earlier loads by primary key, lets the SQL models build, and
// publishes the generation atomically. It knows nothing of pages or charts.
package etl

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Options configure one ETL run.
type Options struct {
	Source       string // the source directory
	Data         wh.Dir // the data directory
	FullRefresh  bool   // rebuild from this source alone, forgetting earlier loads
	BaseCurrency string // rows in other currencies are quarantined; default USD
	// MaxTextLength is the most characters one value may have; longer
	// values, and values holding a NUL byte, are quarantined. Default
	// DefaultMaxTextLength.
	MaxTextLength int
	// Program identifies the running program's build (version, commit);
	// a run whose source, settings and program are those of the run that
	// published the current generation keeps it (see Result.Kept).
	Program  string
	Trigger  string // manual, schedule, startup or retry; recorded in the run log
	Attempt  int    // retry attempt, recorded in the run log
	DuckDB   wh.Settings
	Models   Models          // builds the SQL models into the new generation; nil skips them
	Vendors  adapters.Config // vendor exports: id keys, escalations, categories, file overrides
	Progress func(Progress)
	Logger   *slog.Logger
	// Pullers pull the sources that are no folder (connector databases)
	// into their landing folders at the start of the run, under its run
	// log entry and lock; the run then reads each landing folder as folder
	// landing/<source>/ of Source.
	Pullers []Puller
}

// Models builds derived tables into a generation before it is published.
// An error keeps the generation from being published.
type Models interface {
	Build(ctx context.Context, env BuildEnv) (ModelsReport, error)
}

// BuildEnv is what the models step gets: the connection to the new
// generation and the stage folder, where files to add to the data directory
// (such as data/lake/marts/*.parquet) are written under their final relative
// path, to be moved into place when the generation is published.
type BuildEnv struct {
	Conn *sql.Conn
	// Side is a second connection to the same database, for work that
	// only reads what the models wrote and may run beside them; More are
	// more connections to it, on which models build beside those building
	// on Conn.
	Side  *sql.Conn
	More  []*sql.Conn
	Stage string
	// Prev is the name the generation the run builds on is attached as
	// ("" when there is none, or when the run rebuilt it and nothing in it
	// can be kept); Versions has the version of each entity table (see
	// _table_versions): a table whose version is the one Prev recorded has
	// the same rows. Program identifies the program's build.
	Prev     string
	Versions map[string]string
	Program  string
	Data     string // the data directory
	// Delta lists the entity tables whose only change since Prev is the
	// rows this run loaded, those whose _run_id is RunID, replacing the
	// earlier versions that table _replaced_<entity> of the build's
	// schema wh.Scratch holds.
	Delta []string
	// Same lists the entity tables whose version is the one Prev
	// recorded: their rows did not change.
	Same  []string
	RunID int
}

// ModelsReport summarises the models step for the run log.
type ModelsReport struct {
	Built       int      `json:"built"`
	Kept        int      `json:"kept,omitempty"`        // of Built, models copied from the generation the run built on: nothing they read changed
	Incremental int      `json:"incremental,omitempty"` // of Built, models updated in place: only the rows of the keys that changed computed again
	InPlace     []string `json:"-"`                     // the tables of those models (not views)
	// Volatile lists the models computed on every run, whatever changed:
	// they read a file or the clock. A run that built one cannot be kept
	// by the next (no fingerprint is recorded).
	Volatile    []string `json:"volatile,omitempty"`
	Failed      []string `json:"failed,omitempty"` // analysts' models that failed, with their errors
	TestsPassed int      `json:"tests_passed"`
	TestsFailed []string `json:"tests_failed,omitempty"`
}

// Progress is reported as a run goes: one event per file and per stage.
type Progress struct {
	Stage   string // "pull", "load", "models", "publish"
	Entity  string
	File    string
	Rows    int64         // rows read so far for Entity in this run
	Elapsed time.Duration // the time reading those rows took
}

// Result is what a run did.
type Result struct {
	RunID      int            `json:"run_id"`
	Status     string         `json:"status"`
	Generation string         `json:"generation,omitempty"`
	Entities   []EntityResult `json:"entities"`
	Files      []FileResult   `json:"files"`
	Ignored    []string       `json:"ignored,omitempty"`
	Skipped    []SkippedFile  `json:"skipped,omitempty"` // not read because of their names; each is also a warning
	// FullRefresh says the run rebuilt from its source alone, asked to or
	// because no intact generation was left to build on.
	FullRefresh bool `json:"full_refresh,omitempty"`
	// Recovered says how the run healed a damaged warehouse; empty when
	// the published generation was intact.
	Recovered string        `json:"recovered,omitempty"`
	Lake      []LakeFile    `json:"lake,omitempty"` // the lake files the run wrote, with their checksums
	Warnings  []string      `json:"warnings,omitempty"`
	Models    *ModelsReport `json:"models,omitempty"`
	Pulls     []PullReport  `json:"pulls,omitempty"` // what the run pulled from its connector sources before loading
	// Fingerprint identifies the run's inputs: its source files, loader
	// options, program and models (empty when the models step cannot say
	// what it depends on). Kept is the generation a run kept because
	// nothing of these changed since the run that published it: such a run
	// publishes nothing and changes no table.
	Fingerprint string    `json:"fingerprint,omitempty"`
	Kept        int       `json:"kept_generation,omitempty"`
	StartedAt   time.Time `json:"started_at"`
	EndedAt     time.Time `json:"ended_at"`
}

// EntityResult counts one entity's rows in a run. RowsRead = RowsLoaded +
// RowsQuarantined always holds; Rows is the entity's size in the warehouse
// after merging with earlier loads and removing the rows RowsDeleted and
// RowsOrphaned count.
type EntityResult struct {
	Entity          string `json:"entity"`
	Files           int    `json:"files"`
	RowsRead        int64  `json:"rows_read"`
	RowsLoaded      int64  `json:"rows_loaded"`
	RowsQuarantined int64  `json:"rows_quarantined"`
	// RowsDeleted and RowsOrphaned count the rows of earlier loads the run
	// removed: those of records deleted at the vendor, and those whose
	// foreign key named a removed row (etl/deleted.go).
	RowsDeleted  int64 `json:"rows_deleted,omitempty"`
	RowsOrphaned int64 `json:"rows_orphaned,omitempty"`
	Rows         int64 `json:"rows"`
	// Seconds is the entity's own work: reading its files, which overlaps
	// the load of the entity before, and the rest.
	Seconds float64 `json:"seconds"`
}

// ColumnMapping is how one column of a vendor file was read.
type ColumnMapping struct {
	Column     string `json:"column"`     // as the file spells it
	Field      string `json:"field"`      // the vendor's field it was recognised as
	Maps       string `json:"maps"`       // the contract column(s) it feeds; empty when it only helps
	Conversion string `json:"conversion"` // how its values are read
}

// FileResult is what happened to one source file.
type FileResult struct {
	SourceFile
	Status          string   `json:"status"` // loaded, rejected, unreadable, unchanged
	RowsRead        int64    `json:"rows_read"`
	RowsLoaded      int64    `json:"rows_loaded"`
	RowsQuarantined int64    `json:"rows_quarantined"`
	Error           string   `json:"error,omitempty"`
	Ignored         []string `json:"ignored_columns,omitempty"`
	// Encoding is what a text file (CSV, JSON lines, JSON) was read as:
	// UTF-8, or the encoding it was decoded from (see data-contract.md).
	Encoding string `json:"encoding,omitempty"`
	// Records is, for a JSON document, the member its records were under
	// ("(list)" for a top-level list).
	Records string `json:"records,omitempty"`
	// DateOrder is how a vendor file's slash dates were read: mdy or dmy,
	// with DateOrderBy saying whether vendors.date_order set it or the
	// file's values decided; empty when the file has no slash dates.
	DateOrder   string `json:"date_order,omitempty"`
	DateOrderBy string `json:"date_order_by,omitempty"`
	// Columns says how a vendor file's columns were read: which field of
	// its object each one is, what contract column it feeds and how its
	// values are converted.
	Columns []ColumnMapping `json:"columns,omitempty"`
	// Vendor files only: rows used to fill other rows, kept in
	// vendor_records, deleted at the vendor, or skipped as no record of
	// their own. RowsRead is the sum of these and RowsLoaded and
	// RowsQuarantined.
	RowsEnrichment int64 `json:"rows_enrichment,omitempty"`
	RowsRecorded   int64 `json:"rows_recorded,omitempty"`
	RowsDeleted    int64 `json:"rows_deleted,omitempty"`
	RowsSkipped    int64 `json:"rows_skipped,omitempty"`
}

// File statuses.
const (
	FileLoaded     = "loaded"
	FileRejected   = "rejected"   // missing required columns: its rows are quarantined
	FileUnreadable = "unreadable" // could not be read at all
	FileUnchanged  = "unchanged"  // same content already loaded
)

// Run performs one ETL run. It returns the result even when the run
// failed, with the error; a failed run leaves the published warehouse as it was.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.BaseCurrency == "" {
		opts.BaseCurrency = "USD"
	}
	if opts.MaxTextLength <= 0 {
		opts.MaxTextLength = DefaultMaxTextLength
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Trigger == "" {
		opts.Trigger = "manual"
	}
	opts.Vendors = opts.Vendors.WithDefaults()
	if err := opts.Vendors.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(string(opts.Data), 0o755); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	rl, err := runlog.Start(string(opts.Data), opts.Data.RunLog(), "etl", opts.Trigger, opts.Attempt)
	if err != nil {
		return nil, err
	}
	id := rl.ID()
	res := &Result{RunID: id, StartedAt: rl.StartedAt(), Status: runlog.Running, FullRefresh: opts.FullRefresh}
	runs := rl.Earlier()
	runErr := opts.Data.Recover()
	if runErr == nil {
		// Bookkeeping of an earlier run: the run goes on without it.
		if err := completeLostEnd(ctx, opts, runs); err != nil {
			res.Warnings = append(res.Warnings, err.Error())
			opts.Logger.Warn("run log: an earlier run's record left incomplete", "err", err)
		}
		runErr = pull(ctx, opts, res)
	}
	if runErr == nil {
		opts.Logger.Info("etl run started", "run", id, "source", opts.Source, "full_refresh", opts.FullRefresh)
		runErr = run(ctx, opts, res, append(runs, rl.Record()))
	}
	res.EndedAt = time.Now().UTC()
	if runErr != nil {
		if g, err := opts.Data.Published(); err == nil && g.ID == id {
			// Published, then something after failed: committing the run's
			// staged files, or syncing the folder of the link it switched.
			// Readers see its generation, so the run is recorded as the one
			// that published it; the next run commits what is left (Dir.Recover).
			res.Warnings = append(res.Warnings, fmt.Sprintf("generation %d is published, but the run did not finish: %v; the next run completes it", id, runErr))
			opts.Logger.Warn("the run published its generation but did not finish; the next run completes it", "generation", id, "err", runErr)
			res.Status = outcome(res)
			runErr = nil
		} else {
			res.Status = runlog.Failed
			removeRun(opts, id)
		}
	}
	if err := rl.Finish(res.Status, runErr, res); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		return res, fmt.Errorf("etl run %d: %w", id, runErr)
	}
	return res, nil
}

// removeRun removes what failed run id left: its stage and its staging
// files.
func removeRun(opts Options, id int) {
	if err := os.RemoveAll(opts.Data.Stage(id)); err != nil {
		opts.Logger.Warn("remove the failed run's stage", "run", id, "err", err)
	}
	if err := opts.Data.RemoveStaging(id); err != nil {
		opts.Logger.Warn("remove the failed run's staging files", "run", id, "err", err)
	}
}

// run builds the run's new generation and publishes it, step by step:
// discover the source files, open the build, attach the published
// generation, sort the files, load them, build the models, write the
// ledgers, close, publish, and prune old generations. runs are the run
// log's ETL runs, this one last.
func run(ctx context.Context, opts Options, res *Result, runs []runlog.Record) error {
	lap := phaseTimer(opts.Logger)
	var verifier wh.Verifier         // one per run: the published generation is hashed once
	src, hashErr := hashSource(opts) // discover says what is wrong with the folder
	if hashErr == nil {
		fp, ok, err := fingerprint(opts, src)
		if err != nil {
			return err
		}
		if ok {
			res.Fingerprint = fp
			if !opts.FullRefresh {
				if kept, err := keepPublished(opts, &verifier, res, fp, runs); kept || err != nil {
					return err
				}
			}
		}
	}
	lap("hash sources")
	files, ignored, skipped, err := discover(opts.Source, src)
	if err == nil {
		ignored, err = addLanding(opts, ignored)
	}
	if err != nil {
		return err
	}
	res.Skipped = skipped
	copied, err := startFromPublished(opts, &verifier, res.RunID, runs)
	if err != nil {
		return err
	}
	lap("copy the published generation")
	db, conn, err := openBuild(ctx, opts, res.RunID)
	if err != nil {
		return err
	}
	if copied {
		if sparse, err := mostlyFree(ctx, conn); err != nil || sparse {
			conn.Close()
			db.Close()
			if err != nil {
				return err
			}
			copied = false
			if err := opts.Data.RemoveStaging(res.RunID); err != nil {
				return fmt.Errorf("remove the sparse copy: %w", err)
			}
			if db, conn, err = openBuild(ctx, opts, res.RunID); err != nil {
				return err
			}
		}
	}
	defer db.Close()
	defer conn.Close()
	lakeConn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer lakeConn.Close()
	readConn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer readConn.Close()
	b := &build{opts: opts, db: db, conn: conn, reader: readConn, lake: wh.NewBeside(ctx, conn, lakeConn), res: res, stage: opts.Data.Stage(res.RunID), digests: src, filled: map[string]bool{}, appended: map[string]bool{}, deleted: map[string]bool{}, removed: map[string]int64{}, doomed: map[string]bool{}, copied: copied, verifier: &verifier, runs: runs}
	defer b.removeTexts()
	defer b.lake.Wait()
	if err := b.attachPrev(ctx); err != nil {
		return err
	}
	if err := b.settleCopy(ctx); err != nil {
		return err
	}
	files, vendorFiles, err := b.sortSources(ctx, files, ignored)
	if err != nil {
		return err
	}
	lap("open the build")
	if err := b.loadAll(ctx, files, vendorFiles); err != nil {
		return err
	}
	// Nothing reads ahead any more: the connection goes, so that closing
	// the generation leaves none open on it.
	readConn.Close()
	b.reader = nil
	lap("load")
	if err := b.buildModels(ctx); err != nil {
		return err
	}
	lap("models")
	b.progress(ctx, Progress{Stage: "publish"})
	if err := b.finish(ctx); err != nil {
		return err
	}
	if err := b.detachPrev(ctx); err != nil {
		return err
	}
	lap("ledgers")
	if err := b.vacuumPolicy(ctx); err != nil {
		return err
	}
	lap("vacuum policy")
	if err := closeBuild(ctx, db, conn); err != nil {
		return err
	}
	lap("checkpoint and close")
	if err := b.publish(); err != nil {
		return err
	}
	lap("publish")
	if err := opts.Data.Prune(wh.KeepGenerations); err != nil {
		opts.Logger.Warn("prune old generations", "err", err)
	}
	res.Status = outcome(res)
	return nil
}

// phaseTimer returns a function that logs, at debug level, how long the
// phase it names took since the last call.
func phaseTimer(log *slog.Logger) func(phase string) {
	start := time.Now()
	return func(phase string) {
		log.Debug("etl phase", "phase", phase, "seconds", time.Since(start).Seconds())
		start = time.Now()
	}
}

// openBuild opens the run's new generation read-write, and the build's
// own connection, with schema wh.Scratch and database wh.Texts ready.
func openBuild(ctx context.Context, opts Options, runID int) (*sql.DB, *sql.Conn, error) {
	if err := os.MkdirAll(opts.Data.Generations(), 0o755); err != nil {
		return nil, nil, fmt.Errorf("warehouse folder: %w", err)
	}
	db, err := wh.Open(ctx, opts.Data.Staging(runID), opts.DuckDB)
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	if err := configureBuild(ctx, conn); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, fmt.Errorf("configure build: %w", err)
	}
	return db, conn, nil
}

// configureBuild readies the build's connection: one checkpoint at the
// end rather than one every 16 MB of WAL (each checkpoint rewrites what
// the build wrote so far), schema wh.Scratch and database wh.Texts.
func configureBuild(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SET checkpoint_threshold = '16GB'"); err != nil {
		return err
	}
	if err := wh.CreateScratch(ctx, conn); err != nil {
		return err
	}
	return wh.AttachTexts(ctx, conn)
}

// sortSources detects the vendor exports among the files that are not
// contract entities, and records and logs what the run will not read.
func (b *build) sortSources(ctx context.Context, files []SourceFile, ignored []string) (entityFiles, vendorFiles []SourceFile, err error) {
	res := b.res
	files, vendorFiles, ignored, err = b.detectVendors(ctx, files, ignored)
	if err != nil {
		return nil, nil, err
	}
	res.Ignored = ignored
	for _, s := range res.Skipped {
		res.Warnings = append(res.Warnings, s.warning())
	}
	for _, w := range res.Warnings {
		b.opts.Logger.Warn("source file warning", "warning", w)
	}
	for _, name := range ignored {
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, name+":") }) {
			b.opts.Logger.Warn("ignored source file: not a contract entity or vendor export", "file", name)
		}
	}
	return files, vendorFiles, nil
}

// buildModels records the entity tables' versions and runs the models
// step, when there is one, on the new generation.
func (b *build) buildModels(ctx context.Context) error {
	versions, err := b.tableVersions(ctx)
	if err != nil || b.opts.Models == nil {
		return err
	}
	b.progress(ctx, Progress{Stage: "models"})
	side, err := b.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("models: second connection: %w", err)
	}
	defer side.Close()
	var more []*sql.Conn
	builds := b.opts.DuckDB.ModelBuilds
	if builds <= 0 {
		builds = wh.DefaultModelBuilds
	}
	for range builds - 1 {
		c, err := b.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("models: more connections: %w", err)
		}
		defer c.Close()
		more = append(more, c)
	}
	env := BuildEnv{Conn: b.conn, Side: side, More: more, Stage: b.stage, Versions: versions, Program: b.opts.Program, Data: string(b.opts.Data), RunID: b.res.RunID}
	if b.ordinary() {
		env.Prev = "prev"
		env.Delta, env.Same = b.delta(versions), b.same(versions)
	}
	rep, err := b.opts.Models.Build(ctx, env)
	b.res.Models = &rep
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	// Their rows may differ tomorrow on the same files: the next run with
	// these files must build, not keep this generation.
	if len(rep.Volatile) > 0 {
		b.res.Fingerprint = ""
	}
	return nil
}

// detachPrev lets go of the generation the run built on, and removes the
// run's rebuilt copy of it, if it made one.
func (b *build) detachPrev(ctx context.Context) error {
	if b.prev {
		if _, err := b.conn.ExecContext(ctx, "DETACH prev"); err != nil {
			return fmt.Errorf("detach published generation: %w", err)
		}
	}
	if b.scratch {
		b.removeScratch()
	}
	return nil
}

// closeBuild drops the build's working tables, then checkpoints and
// closes the new generation, so that its file holds everything before it
// is published.
func closeBuild(ctx context.Context, db *sql.DB, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "DROP SCHEMA IF EXISTS "+wh.Scratch+" CASCADE"); err != nil {
		return fmt.Errorf("drop the build's working tables: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	conn.Close()
	if err := db.Close(); err != nil {
		return fmt.Errorf("close generation: %w", err)
	}
	return ctx.Err()
}

// publish makes the new generation the one readers open, and commits the
// run's lake files and staged files beside it.
func (b *build) publish() error {
	data, id := b.opts.Data, b.res.RunID
	if b.opts.FullRefresh {
		if err := data.MarkFullRefresh(id); err != nil {
			return fmt.Errorf("stage: %w", err)
		}
	}
	if err := data.Publish(id); err != nil {
		return err
	}
	b.res.Generation = filepath.Base(data.Staging(id))
	if g, err := data.Published(); err == nil {
		b.res.Generation = g.Path
	}
	if err := data.Commit(id); err != nil {
		return err
	}
	b.setAsideDamaged()
	if b.opts.Models == nil {
		// Published already: a file left behind is a warning, not a failure.
		if err := b.removeMarts(); err != nil {
			b.res.Warnings = append(b.res.Warnings, err.Error())
			b.opts.Logger.Warn("stale mart files left in the lake", "err", err)
		}
	}
	return nil
}

func outcome(res *Result) string {
	if len(res.Warnings) > 0 || res.Models != nil && len(res.Models.Failed) > 0 || res.Recovered != "" {
		return runlog.Warning
	}
	for _, f := range res.Files {
		if f.Status == FileRejected || f.Status == FileUnreadable {
			return runlog.Warning
		}
	}
	return runlog.Success
}
