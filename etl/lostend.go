package etl

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// completeLostEnd records the end of a run that published its generation
// but died before the run log said so (killed between the two): the log
// shows it abandoned while the warehouse serves what it built, and the
// dashboard's freshness, the metrics and the report would name the run
// before it as the last to publish. The generation's own etl_runs, written
// just before it was published, tells how the run ended; the record made
// from it says where it came from, in the run log and in runs, the log's
// ETL runs.
func completeLostEnd(ctx context.Context, opts Options, runs []runlog.Record) error {
	g, err := opts.Data.Published()
	if err != nil {
		return nil // no generation yet: nothing was published
	}
	i := slices.IndexFunc(runs, func(r runlog.Record) bool { return r.ID == g.ID })
	if i < 0 || runs[i].Status != runlog.Abandoned {
		return nil
	}
	rec := runs[i]
	res, err := publishedResult(ctx, opts, g)
	if err != nil {
		return fmt.Errorf("complete run %d's record from its generation: %w", rec.ID, err)
	}
	res.StartedAt = rec.StartedAt
	res.Warnings = append(res.Warnings, fmt.Sprintf("run %d published %s, but its process ended before recording it; this record was completed from the generation's etl_runs", rec.ID, res.Generation))
	rec.Status, rec.EndedAt, rec.Error = res.Status, res.EndedAt, ""
	if rec.Detail, err = json.Marshal(res); err != nil {
		return err
	}
	if err := runlog.Open(opts.Data.RunLog()).Append(rec); err != nil {
		return err
	}
	runs[i] = rec
	opts.Logger.Warn("run log: a run published but died before recording it; its record was completed from its generation", "run", rec.ID, "status", rec.Status)
	return nil
}

// publishedResult reads what generation g's ledgers say of the run that
// built it: its row of etl_runs (a generation from before etl_runs had
// full_refresh and fingerprint leaves them unset) and its lake files.
func publishedResult(ctx context.Context, opts Options, g wh.Generation) (*Result, error) {
	db, err := wh.OpenReadOnly(ctx, g.Path, opts.DuckDB)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var row string
	var ended sql.NullTime
	err = db.QueryRowContext(ctx, `SELECT ended_at, to_json(r)::VARCHAR FROM etl_runs r WHERE run_id = ?`, g.ID).Scan(&ended, &row)
	if err != nil {
		return nil, err
	}
	var rec struct {
		Status string `json:"status"`
		runDetail
	}
	if err := json.Unmarshal([]byte(row), &rec); err != nil {
		return nil, fmt.Errorf("etl_runs: %w", err)
	}
	if rec.Status != runlog.Success && rec.Status != runlog.Warning {
		return nil, fmt.Errorf("etl_runs says %q, not a run that published", rec.Status)
	}
	res := &Result{RunID: g.ID, Generation: g.Path, Status: rec.Status, Entities: rec.Entities, FullRefresh: rec.FullRefresh, Fingerprint: rec.Fingerprint, EndedAt: time.Now().UTC()}
	if ended.Valid {
		res.EndedAt = ended.Time.UTC()
	}
	if err := json.Unmarshal(rec.Files, &res.Files); err != nil {
		return nil, fmt.Errorf("etl_runs.files: %w", err)
	}
	rows, err := db.QueryContext(ctx, `SELECT path, size, sha256 FROM etl_lake_files WHERE run_id = ? ORDER BY rowid`, g.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f LakeFile
		if err := rows.Scan(&f.Path, &f.Size, &f.SHA256); err != nil {
			return nil, err
		}
		res.Lake = append(res.Lake, f)
	}
	return res, rows.Err()
}
