package etl

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// The ledger tables every generation carries: what was quarantined, which
// files were read, and the run log.
const (
	quarantineSchema = `run_id INTEGER, entity VARCHAR, source_file VARCHAR, row_number BIGINT,
  column_name VARCHAR, reason VARCHAR, raw_values VARCHAR, quarantined_at TIMESTAMP`
	filesSchema = `run_id INTEGER, entity VARCHAR, path VARCHAR, format VARCHAR, size BIGINT, sha256 VARCHAR,
  status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, error VARCHAR`
	// vendor_records keeps vendor rows that are facts but no contract rows:
	// declined, voided or unfinished envelopes, card disputes.
	recordsSchema = `run_id INTEGER, vendor VARCHAR, object VARCHAR, record_id VARCHAR, status VARCHAR, detail JSON,
  source_file VARCHAR, source_row BIGINT`
)

// ledgers are the tables of what was quarantined, which files were read
// and which vendor rows are kept as facts, each with its columns. Every
// generation carries them and each run appends to them; the run log's
// tables are written whole from the run log instead (recordRuns).
var ledgers = []struct{ name, schema string }{
	{"quarantine", quarantineSchema},
	{"etl_files", filesSchema},
	{"vendor_records", recordsSchema},
}

// createLedgers starts this generation's ledgers from the published one's.
// A run building on a copy of it in the ordinary way keeps the copied
// ledgers and appends to them, so what it pays does not grow with their
// history. Any other run creates them and copies the published rows in,
// but for what a full refresh starts over: the file ledger and the vendor
// records.
func (b *build) createLedgers(ctx context.Context) error {
	if _, err := b.conn.ExecContext(ctx, "CREATE TEMP TABLE run_files (seq INTEGER, entity VARCHAR, path VARCHAR, format VARCHAR, size BIGINT, sha256 VARCHAR, rows_read BIGINT)"); err != nil {
		return fmt.Errorf("create ledgers: %w", err)
	}
	for _, l := range ledgers {
		if b.copied {
			kept, err := b.keepTable(ctx, l.name, strings.Split(l.schema, ","))
			if err != nil {
				return fmt.Errorf("create ledgers: %w", err)
			}
			if kept {
				b.appended[l.name] = true // for the vacuum policy
				continue
			}
		}
		if _, err := b.conn.ExecContext(ctx, "CREATE TABLE "+l.name+" ("+l.schema+")"); err != nil {
			return fmt.Errorf("create ledgers: %w", err)
		}
		if !b.prev || b.opts.FullRefresh && l.name != "quarantine" {
			continue
		}
		has, err := b.prevHas(ctx, l.name)
		if err != nil {
			return fmt.Errorf("create ledgers: %w", err)
		}
		if !has {
			continue
		}
		if _, err := b.conn.ExecContext(ctx, "INSERT INTO "+l.name+" SELECT * FROM prev."+l.name); err != nil {
			return fmt.Errorf("create ledgers: %w", err)
		}
	}
	return nil
}

// quarantineFile quarantines every row of a rejected file with one column
// and reason.
func (b *build) quarantineFile(ctx context.Context, e *contract.Entity, raw *rawFile, column, reason string) error {
	var parts []string
	for _, c := range e.Columns {
		parts = append(parts, wh.Literal(c.Name)+": "+wh.Ident(c.Name))
	}
	_, err := b.conn.ExecContext(ctx, `INSERT INTO quarantine
SELECT ?, ?, ?, _row, ?, ?, to_json({`+strings.Join(parts, ", ")+`})::VARCHAR, now()::TIMESTAMP FROM `+raw.ref()+` ORDER BY _row`,
		b.res.RunID, e.Name, raw.file.Path, column, reason)
	if err != nil {
		return fmt.Errorf("quarantine %s: %w", raw.file.Path, err)
	}
	return nil
}

// quarantineRejects quarantines the rows of a file too malformed to read.
func (b *build) quarantineRejects(ctx context.Context, e *contract.Entity, raw *rawFile) error {
	for _, q := range raw.rejects {
		_, err := b.conn.ExecContext(ctx, `INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, now()::TIMESTAMP)`,
			b.res.RunID, e.Name, raw.file.Path, q.Row, q.Column, q.Reason, q.Raw)
		if err != nil {
			return fmt.Errorf("quarantine %s row %d: %w", raw.file.Path, q.Row, err)
		}
	}
	return nil
}

// finish records the run in the new generation's ledgers and stages the
// quarantine files.
func (b *build) finish(ctx context.Context) error {
	for _, f := range b.res.Files {
		if f.Status == FileUnchanged {
			continue
		}
		if f.Vendor != "" {
			_, err := b.conn.ExecContext(ctx, `INSERT INTO etl_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				b.res.RunID, f.Entity, f.Path, f.Format, f.Size, f.SHA256, f.Status, f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.Error)
			if err != nil {
				return fmt.Errorf("record file %s: %w", f.Path, err)
			}
			continue
		}
		_, err := b.conn.ExecContext(ctx, `INSERT INTO etl_files
SELECT $1, $2, $3, $4, $5, $6, $7, rows_read,
  (SELECT count(*) FROM main.`+wh.Ident(f.Entity)+` WHERE _run_id = $1 AND _source_file = $3),
  (SELECT count(*) FROM quarantine WHERE run_id = $1 AND source_file = $3), $8
FROM (SELECT coalesce(max(rows_read), 0) AS rows_read FROM run_files WHERE path = $3)`,
			b.res.RunID, f.Entity, f.Path, f.Format, f.Size, f.SHA256, f.Status, f.Error)
		if err != nil {
			return fmt.Errorf("record file %s: %w", f.Path, err)
		}
	}
	if err := b.fileCounts(ctx); err != nil {
		return err
	}
	if err := b.recordLake(ctx); err != nil {
		return err
	}
	for _, er := range b.res.Entities {
		if er.RowsQuarantined == 0 {
			continue
		}
		out := filepath.Join(b.stage, wh.QuarantineFile(er.Entity, b.res.RunID))
		if err := mkdirFor(out); err != nil {
			return err
		}
		_, err := b.conn.ExecContext(ctx, fmt.Sprintf(`COPY (SELECT source_file, row_number, column_name, reason, raw_values FROM quarantine
WHERE run_id = %d AND entity = %s ORDER BY source_file, row_number) TO ? (FORMAT csv, HEADER)`, b.res.RunID, wh.Literal(er.Entity)), out)
		if err != nil {
			return fmt.Errorf("write quarantine file: %w", err)
		}
	}
	return wh.InTx(ctx, b.conn, func() error { return b.recordRuns(ctx) })
}

// fileCounts copies the per-file counts from etl_files into the result.
func (b *build) fileCounts(ctx context.Context) error {
	for i := range b.res.Files {
		f := &b.res.Files[i]
		if f.Status == FileUnchanged || f.Vendor != "" {
			continue
		}
		err := b.conn.QueryRowContext(ctx, `SELECT rows_read, rows_loaded, rows_quarantined FROM etl_files WHERE run_id = ? AND path = ?`,
			b.res.RunID, f.Path).Scan(&f.RowsRead, &f.RowsLoaded, &f.RowsQuarantined)
		if err != nil {
			return fmt.Errorf("count file %s: %w", f.Path, err)
		}
	}
	return nil
}

// recordRuns writes etl_runs and etl_run_entities from the run log, with
// this run as it will be once published. Every run of the log is written,
// through DuckDB's appender: a statement per row cost 7 s a run once the
// log held a thousand runs (docs/benchmarks.md, eleventh measurement).
func (b *build) recordRuns(ctx context.Context) error {
	stmts := []string{
		`CREATE TABLE etl_runs (run_id INTEGER, trigger VARCHAR, attempt INTEGER, status VARCHAR, started_at TIMESTAMP, ended_at TIMESTAMP,
  rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, entities JSON, files JSON, error VARCHAR,
  full_refresh BOOLEAN, fingerprint VARCHAR)`,
		`CREATE TABLE etl_run_entities (run_id INTEGER, entity VARCHAR, files INTEGER, rows_read BIGINT, rows_loaded BIGINT,
  rows_quarantined BIGINT, rows BIGINT, seconds DOUBLE)`,
	}
	for _, s := range stmts {
		if _, err := b.conn.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("record runs: %w", err)
		}
	}
	err := b.conn.Raw(func(dc any) error {
		runsApp, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", "etl_runs")
		if err != nil {
			return err
		}
		entApp, err := duckdb.NewAppender(dc.(driver.Conn), "", "main", "etl_run_entities")
		if err != nil {
			runsApp.Close()
			return err
		}
		err = b.appendRuns(b.runs, runsApp, entApp)
		return errors.Join(err, runsApp.Close(), entApp.Close())
	})
	if err != nil {
		return fmt.Errorf("record runs: %w", err)
	}
	return nil
}

// appendRuns appends a row to etl_runs for each run, and one to
// etl_run_entities for each entity of each run.
func (b *build) appendRuns(runs []runlog.Record, runsApp, entApp *duckdb.Appender) error {
	for _, r := range runs {
		d := b.detail(&r)
		var read, loaded, quar int64
		for _, e := range d.Entities {
			read, loaded, quar = read+e.RowsRead, loaded+e.RowsLoaded, quar+e.RowsQuarantined
			if err := entApp.AppendRow(int32(r.ID), e.Entity, int32(e.Files), e.RowsRead, e.RowsLoaded, e.RowsQuarantined, e.Rows, e.Seconds); err != nil {
				return err
			}
		}
		var ended any
		if !r.EndedAt.IsZero() {
			ended = r.EndedAt
		}
		entitiesJSON, _ := json.Marshal(d.Entities)
		if err := runsApp.AppendRow(int32(r.ID), r.Trigger, int32(r.Attempt), r.Status, r.StartedAt, ended, read, loaded, quar,
			json.RawMessage(entitiesJSON), d.Files, r.Error, d.FullRefresh, d.Fingerprint); err != nil {
			return err
		}
	}
	return nil
}

// runDetail is what etl_runs keeps of a run's detail: its entities, its
// files (as the run log wrote them), whether it was a full refresh and its
// fingerprint (the next run completes from these the record of a run that
// died once published: lostend.go).
type runDetail struct {
	Entities    []EntityResult  `json:"entities"`
	Files       json.RawMessage `json:"files"`
	FullRefresh bool            `json:"full_refresh"`
	Fingerprint string          `json:"fingerprint"`
}

// detail returns what etl_runs keeps of run r's detail. For this run it
// is the result as it will be once published, and r takes its outcome.
func (b *build) detail(r *runlog.Record) runDetail {
	if r.ID == b.res.RunID {
		// This run ends once the generation is published, a checkpoint
		// after now; the run log keeps the exact end.
		r.Status, r.EndedAt = outcome(b.res), time.Now().UTC()
		files, _ := json.Marshal(b.res.Files)
		return runDetail{b.res.Entities, files, b.res.FullRefresh, b.res.Fingerprint}
	}
	var d runDetail
	if len(r.Detail) > 0 {
		if err := json.Unmarshal(r.Detail, &d); err != nil {
			// One bad line of the run log must not stop every later run.
			b.opts.Logger.Warn("run log: run detail unreadable; etl_runs records it without counts", "run", r.ID, "err", err)
			d = runDetail{}
		}
	}
	if len(d.Files) == 0 {
		d.Files = json.RawMessage("null")
	}
	return d
}

func (b *build) progress(ctx context.Context, p Progress) {
	if b.opts.Progress != nil {
		b.opts.Progress(p)
	}
	b.opts.Logger.DebugContext(ctx, "etl progress", "stage", p.Stage, "entity", p.Entity, "file", p.File, "rows", p.Rows)
}

func mkdirFor(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", path, err)
	}
	return nil
}
