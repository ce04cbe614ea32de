package etl

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestRecordRuns checks that etl_runs and etl_run_entities hold every ETL
// run of the run log as the log records it: runs that published, kept or
// failed, a run whose detail is missing or unreadable (no counts), a run
// abandoned (no end), and not the runs of other kinds; each run's entities,
// files, full refresh and fingerprint as its detail has them, its totals
// their sums.
func TestRecordRuns(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	data := wh.Dir(t.TempDir())
	mustRun(t, src, data)
	mustRun(t, src, data)                                            // kept
	mustRun(t, src, data, func(o *Options) { o.FullRefresh = true }) // published
	if _, err := runETL(t, t.TempDir()+"/none", data); err == nil {  // failed
		t.Fatal("a run from a missing folder did not fail")
	}
	at := time.Now().UTC()
	log := runlog.Open(data.RunLog())
	for _, r := range []runlog.Record{
		{Kind: "etl", ID: 5, Trigger: "schedule", Attempt: 2, Status: runlog.Failed, StartedAt: at, EndedAt: at.Add(time.Second), PID: 1, Error: "no detail"},
		{Kind: "etl", ID: 6, Trigger: "manual", Status: runlog.Failed, StartedAt: at, EndedAt: at.Add(time.Second), PID: 1, Error: "unreadable detail", Detail: json.RawMessage(`{"entities":"oops","files":[]}`)},
		{Kind: "etl", ID: 7, Trigger: "manual", Status: runlog.Running, StartedAt: at, PID: deadPID(t)},
		{Kind: "report", ID: 8, Trigger: "manual", Status: runlog.Success, StartedAt: at, PID: 1},
	} {
		if err := log.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	last := mustRun(t, src, data, func(o *Options) { o.FullRefresh = true })
	runs := must(log.Runs("etl"))
	if len(runs) != 8 || runs[7].ID != last.RunID {
		t.Fatalf("run log %+v, want runs 1 to 7 and the last", runs)
	}
	db := fixture.OpenPublished(t, data)
	rows, err := db.Query(`SELECT run_id, trigger, attempt, status, ended_at IS NULL, rows_read, rows_loaded, rows_quarantined, entities::VARCHAR, files::VARCHAR, error, full_refresh, fingerprint,
  (SELECT coalesce(to_json(list({'entity': entity, 'files': files, 'rows_read': rows_read, 'rows_loaded': rows_loaded,
     'rows_quarantined': rows_quarantined, 'rows': rows, 'seconds': seconds} ORDER BY rowid)), '[]')::VARCHAR FROM etl_run_entities e WHERE e.run_id = r.run_id)
FROM etl_runs r ORDER BY run_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var id, attempt int
		var trigger, status, entities, files, errText, entityRows string
		var noEnd, full bool
		var fingerprint string
		var read, loaded, quar int64
		if err := rows.Scan(&id, &trigger, &attempt, &status, &noEnd, &read, &loaded, &quar, &entities, &files, &errText, &full, &fingerprint, &entityRows); err != nil {
			t.Fatal(err)
		}
		if i >= len(runs) {
			t.Fatalf("etl_runs has run %d beyond the log's runs", id)
		}
		r := runs[i]
		var d struct {
			Entities    []EntityResult `json:"entities"`
			Files       []FileResult   `json:"files"`
			FullRefresh bool           `json:"full_refresh"`
			Fingerprint string         `json:"fingerprint"`
		}
		if id == last.RunID {
			r.Status, d.Entities, d.Files, d.FullRefresh, d.Fingerprint = last.Status, last.Entities, last.Files, last.FullRefresh, last.Fingerprint
		} else {
			if err := json.Unmarshal(r.Detail, &d); err != nil {
				d.Entities, d.Files, d.FullRefresh, d.Fingerprint = nil, nil, false, "" // unreadable: no counts
			}
		}
		var sum [3]int64
		for _, e := range d.Entities {
			sum[0], sum[1], sum[2] = sum[0]+e.RowsRead, sum[1]+e.RowsLoaded, sum[2]+e.RowsQuarantined
		}
		got := fmt.Sprint(id, trigger, attempt, status, noEnd, read, loaded, quar, errText, full, fingerprint)
		want := fmt.Sprint(r.ID, r.Trigger, r.Attempt, r.Status, r.EndedAt.IsZero() && id != last.RunID, sum[0], sum[1], sum[2], r.Error, d.FullRefresh, d.Fingerprint)
		if got != want {
			t.Errorf("run %d: etl_runs %s, want %s", r.ID, got, want)
		}
		sameJSON(t, fmt.Sprintf("run %d entities", r.ID), entities, d.Entities)
		sameJSON(t, fmt.Sprintf("run %d files", r.ID), files, d.Files)
		if d.Entities == nil {
			d.Entities = []EntityResult{}
		}
		sameJSON(t, fmt.Sprintf("run %d etl_run_entities", r.ID), entityRows, d.Entities)
	}
	if i != len(runs) {
		t.Errorf("etl_runs has %d runs, want %d", i, len(runs))
	}
}

// sameJSON fails t unless text is the JSON of v.
func sameJSON(t *testing.T, what, text string, v any) {
	t.Helper()
	var got, want any
	if err := json.Unmarshal([]byte(text), &got); err != nil {
		t.Errorf("%s: %v in %s", what, err, text)
		return
	}
	json.Unmarshal(must(json.Marshal(v)), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n%s\nwant\n%s", what, text, must(json.Marshal(v)))
	}
}

// TestLedgersAppendedInPlace checks that a run building on a copy of the
// published generation appends to the copied ledgers rather than writing
// them again: the earlier runs' rows are all there, stored in the blocks
// they were stored in, and the run's own rows follow them.
func TestLedgersAppendedInPlace(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	mustRun(t, "testdata/bad", data)
	type snapshot struct{ rows, storage string }
	snap := func(table string) snapshot {
		db := fixture.OpenPublished(t, data)
		defer db.Close()
		ctx := context.Background()
		rows := must(wh.Strings(ctx, db, "SELECT to_json(t)::VARCHAR FROM "+table+" t WHERE run_id <= 2 ORDER BY ALL"))
		storage := must(wh.Strings(ctx, db, "SELECT concat_ws(' ', column_id, segment_id, block_id, block_offset) FROM pragma_storage_info(?) WHERE row_group_id = 0 ORDER BY ALL", table))
		return snapshot{strings.Join(rows, "\n"), strings.Join(storage, "\n")}
	}
	before := map[string]snapshot{"quarantine": snap("quarantine"), "etl_files": snap("etl_files")}
	if before["quarantine"].rows == "" || !strings.Contains(before["quarantine"].storage, " ") {
		t.Fatalf("the first runs quarantined nothing: %+v", before)
	}
	src := t.TempDir()
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-900,New Co,smb\nACC-901,Bad Co,galactic\n")
	res := mustRun(t, src, data)
	if res.Entities[0].RowsLoaded != 1 || res.Entities[0].RowsQuarantined != 1 {
		t.Fatalf("third run: accounts %+v, want one row loaded and one quarantined", res.Entities[0])
	}
	for table, was := range before {
		if now := snap(table); now != was {
			t.Errorf("%s after the third run:\n%+v\nwant the earlier runs' rows as stored then:\n%+v", table, now, was)
		}
	}
	db := fixture.OpenPublished(t, data)
	defer db.Close()
	if n := queryInt(t, db, "SELECT count(*) FROM quarantine WHERE run_id = ? AND row_number = 2 AND column_name = 'segment'", res.RunID); n != 1 {
		t.Errorf("the third run's quarantined row: %d rows, want 1", n)
	}
	if n := queryInt(t, db, "SELECT count(*) FROM etl_files WHERE run_id = ?", res.RunID); n != 1 {
		t.Errorf("the third run's file: %d rows in etl_files, want 1", n)
	}
}
