package runlog

import (
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Run is one run being recorded: it holds its kind's lock from Start to
// Finish, so runs of a kind never overlap, even across processes.
type Run struct {
	log     *Log
	lock    *Lock
	record  Record
	earlier []Record
}

// Start takes the lock of kind in dir, gives the run the next id of the
// log at path and records it as running.
func Start(dir, path, kind, trigger string, attempt int) (*Run, error) {
	lock, err := TryLock(dir, kind)
	if err != nil {
		return nil, err
	}
	log := Open(path)
	earlier, err := log.Runs(kind)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	r := &Run{log: log, lock: lock, earlier: earlier, record: Record{Kind: kind, ID: nextID(earlier), Trigger: trigger, Attempt: attempt, Status: Running, StartedAt: time.Now().UTC(), PID: os.Getpid()}}
	if err := log.Append(r.record); err != nil {
		lock.Unlock()
		return nil, err
	}
	return r, nil
}

// Earlier returns the runs of the run's kind as the log held them when it
// started (Log.Runs), oldest first: a copy the caller may change. The run
// holds its kind's lock, so until it finishes only it records runs of its
// kind; one log read serves the whole run, which matters once the log holds
// years of runs.
func (r *Run) Earlier() []Record { return slices.Clone(r.earlier) }

// Record returns the run's own record as it stands: running until Finish.
func (r *Run) Record() Record { return r.record }

// ID is the run's id.
func (r *Run) ID() int { return r.record.ID }

// StartedAt is when the run started.
func (r *Run) StartedAt() time.Time { return r.record.StartedAt }

// Finish records how the run ended, with its detail as JSON, and releases
// the lock. A run that failed (runErr not nil) is recorded as failed with
// the error's text whatever status says.
func (r *Run) Finish(status string, runErr error, detail any) error {
	defer r.lock.Unlock()
	r.record.EndedAt, r.record.Status = time.Now().UTC(), status
	if runErr != nil {
		r.record.Status, r.record.Error = Failed, runErr.Error()
	}
	r.record.Detail, _ = json.Marshal(detail)
	return r.log.Append(r.record)
}

// ETLDetail is what the run log keeps of an ETL run for those who read it
// (the Runs page, the metrics, the report's freshness): the part of the
// loader's result (etl.Result, which writes it) they show, read without
// the loader.
type ETLDetail struct {
	Entities []struct {
		Entity          string `json:"entity"`
		RowsRead        int64  `json:"rows_read"`
		RowsLoaded      int64  `json:"rows_loaded"`
		RowsQuarantined int64  `json:"rows_quarantined"`
		// Earlier rows removed: deleted at the vendor, or referring to a
		// removed row.
		RowsDeleted  int64 `json:"rows_deleted"`
		RowsOrphaned int64 `json:"rows_orphaned"`
	} `json:"entities"`
	Files     []FileDetail `json:"files"`
	Warnings  []string     `json:"warnings"`
	Recovered string       `json:"recovered"`
}

// FileDetail is what an ETL run did with one source file.
type FileDetail struct {
	Path            string   `json:"path"`
	Entity          string   `json:"entity"`
	Vendor          string   `json:"vendor"`
	Object          string   `json:"object"`
	DetectedBy      string   `json:"detected_by"`
	Status          string   `json:"status"`
	Error           string   `json:"error"`
	RowsRead        int64    `json:"rows_read"`
	RowsLoaded      int64    `json:"rows_loaded"`
	RowsQuarantined int64    `json:"rows_quarantined"`
	Ignored         []string `json:"ignored_columns"`
	Columns         []struct {
		Column     string `json:"column"`
		Field      string `json:"field"`
		Maps       string `json:"maps"`
		Conversion string `json:"conversion"`
	} `json:"columns"`
	Encoding    string `json:"encoding"`
	Records     string `json:"records"`
	DateOrder   string `json:"date_order"`
	DateOrderBy string `json:"date_order_by"`
}

// ReadAs says how the file's text was read, in words.
func (f FileDetail) ReadAs() string { return ReadAs(f.Encoding, f.Records, f.DateOrder, f.DateOrderBy) }

// ReadAs says how a file's text was read: its encoding, where a JSON
// document's records were ("(list)" for a top-level list), and the order
// of its slash dates (mdy or dmy) and what set it.
func ReadAs(encoding, records, dateOrder, dateOrderBy string) string {
	var parts []string
	if encoding != "" {
		parts = append(parts, encoding)
	}
	switch records {
	case "":
	case "(list)":
		parts = append(parts, "a list of records")
	default:
		parts = append(parts, "records under "+strconv.Quote(records))
	}
	switch dateOrder {
	case "mdy":
		parts = append(parts, "dates month first (M/D/YYYY, by "+dateOrderBy+")")
	case "dmy":
		parts = append(parts, "dates day first (D/M/YYYY, by "+dateOrderBy+")")
	}
	return strings.Join(parts, ", ")
}

// ETL reads the detail of an ETL run; the zero value when it has none.
func (r Record) ETL() ETLDetail {
	var d ETLDetail
	if len(r.Detail) > 0 {
		json.Unmarshal(r.Detail, &d)
	}
	return d
}

// Totals adds up an ETL run's rows: read, loaded and quarantined.
func (d ETLDetail) Totals() (read, loaded, quarantined int64) {
	for _, e := range d.Entities {
		read += e.RowsRead
		loaded += e.RowsLoaded
		quarantined += e.RowsQuarantined
	}
	return read, loaded, quarantined
}
