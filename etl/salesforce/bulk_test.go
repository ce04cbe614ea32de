package salesforce_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/salesforce"
	"github.com/precedent-dev/precedent/etl/salesforce/salesforcefake"
)

// TestBulk pulls an object with more changed records than bulk_threshold
// through a Bulk API 2.0 query job (operation queryAll): the first REST
// page's totalSize sends it there, the job is polled until JobComplete,
// its CSV results are read in two pages through Sforce-Locator, and each
// row lands typed as the REST API would send it, so the accounts load as
// from REST, the deleted one counted deleted.
func TestBulk(t *testing.T) {
	ctx := context.Background()
	f := smallOrg(t)
	f.BulkPage = 2
	f.Objects["Account"].Records = append(f.Objects["Account"].Records, salesforcefake.Record{"Id": "0015g00000SfA09AAA", "IsDeleted": true,
		"Name": "Gone Ltd", "NumberOfEmployees": 5, "SystemModstamp": "2026-01-05T09:00:00.000Z"})
	src, opts, data := setup(t, f)
	src.Settings.BulkThreshold = 2
	src.Settings.Objects = []string{"Account"}
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"token", "describe Account", "queryAll Account", "job create", "job state", "job state", "job results ", "job results 2"}
	if got := f.Take(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	if q := f.Queries[len(f.Queries)-1]; strings.Contains(q, "ORDER BY") {
		t.Errorf("the job's query %q is ordered (it slows Bulk API 2.0 queries)", q)
	}
	o := pulled(t, res)["salesforce/Account"]
	if o.Rows != 4 || o.Deleted != 1 || o.Cursor != "2026-01-05T10:00:02Z" {
		t.Errorf("Account pulled %+v, want 4 rows, 1 deleted, cursor the greatest SystemModstamp", o)
	}
	b, err := os.ReadFile(filepath.Join(string(data), o.File))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"IsDeleted":true`, `"NumberOfEmployees":1200`, `"AnnualRevenue":1500000000`, `"AnnualRevenue":null`, `"Name":"Corvid Bio"`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("landed:\n%s\nwant %s (typed as the REST API types it)", b, s)
		}
	}
	noQuarantine(t, res)
	if fr := file(t, res, o.File); fr.RowsLoaded != 3 || fr.RowsDeleted != 1 {
		t.Errorf("loaded %d, deleted %d, want 3 and 1", fr.RowsLoaded, fr.RowsDeleted)
	}
}

// TestSettle checks that the cursor stays a minute behind the server's
// time: records changed in the minute before a query are read again by
// the next pull, in case a transaction committing late saved a record
// with an earlier SystemModstamp.
func TestSettle(t *testing.T) {
	f := smallOrg(t)
	f.Now = time.Date(2026, 1, 5, 10, 0, 30, 0, time.UTC)
	src, opts, _ := setup(t, f)
	src.Settings.Objects = []string{"Account"}
	res, err := etl.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if o := pulled(t, res)["salesforce/Account"]; o.Rows != 3 || o.Cursor != "2026-01-05T09:59:30Z" {
		t.Errorf("Account pulled %+v, want 3 rows and the cursor a minute before the server's time", o)
	}
	f.Set(func() { f.Now = f.Now.Add(time.Hour) })
	res, err = etl.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if o := pulled(t, res)["salesforce/Account"]; o.Rows != 3 || o.Cursor != "2026-01-05T10:00:02Z" {
		t.Errorf("next pull's Account %+v, want the 3 accounts again, then the cursor at the last", o)
	}
	noQuarantine(t, res)
}

// TestBulkPageTooLarge checks that a Bulk API 2.0 results page over the
// size limit fails the pull, not retried, with the cursor unchanged,
// instead of being cut short at a row's end: the rows cut would be lost,
// as the cursor moves to the greatest SystemModstamp read.
func TestBulkPageTooLarge(t *testing.T) {
	f := smallOrg(t)
	src, opts, data := setup(t, f)
	src.Settings.BulkThreshold = 2
	src.Settings.Objects = []string{"Account"}
	defer salesforce.SetMaxBodies(64<<20, 300)()
	_, err := etl.Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "/results?maxRecords=50000: 200 answer too large: over 300 bytes, not read") {
		t.Errorf("got %v, want the results page refused as too large", err)
	}
	want := []string{"token", "describe Account", "queryAll Account", "job create", "job state", "job state", "job results "}
	if got := f.Take(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v (the page not asked again)", got, want)
	}
	var cursors map[string]map[string]string
	if err := etl.LoadCursors(data.Cursors("crm"), &cursors); err != nil {
		t.Fatal(err)
	}
	if c := cursors["salesforce/Account"]["system_modstamp"]; c != "" {
		t.Errorf("Account's cursor %q, want none", c)
	}
}

// TestBulkCreateTimeout checks that a job creation that times out is not
// retried: the job may have been created without the answer arriving, and
// a retry would run the query twice. The pull fails with the cursor
// unchanged.
func TestBulkCreateTimeout(t *testing.T) {
	f := smallOrg(t)
	f.Fail["job create"] = salesforcefake.Failure{Sleep: time.Second, Times: 1}
	src, opts, data := setup(t, f)
	src.Settings.BulkThreshold = 2
	src.Settings.Objects = []string{"Account"}
	_, err := etl.Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "POST /services/data/v62.0/jobs/query: not retried, as it may have been carried out without an answer") {
		t.Errorf("got %v, want the job creation not retried", err)
	}
	want := []string{"token", "describe Account", "queryAll Account", "job create"}
	if got := f.Take(); !slices.Equal(got, want) {
		t.Errorf("calls %v, want %v", got, want)
	}
	var cursors map[string]map[string]string
	if err := etl.LoadCursors(data.Cursors("crm"), &cursors); err != nil {
		t.Fatal(err)
	}
	if c := cursors["salesforce/Account"]["system_modstamp"]; c != "" {
		t.Errorf("Account's cursor %q, want none", c)
	}
}

// TestBulkMaxWait checks that a query job not complete within
// bulk_max_wait is aborted (PATCH state Aborted) and fails the pull with
// the cursor unchanged.
func TestBulkMaxWait(t *testing.T) {
	f := smallOrg(t)
	f.JobPolls = 1000
	src, opts, data := setup(t, f)
	src.Settings.BulkThreshold = 2
	src.Settings.BulkMaxWait = 50 * time.Millisecond
	src.Settings.Objects = []string{"Account"}
	_, err := etl.Run(context.Background(), opts)
	if err == nil || !strings.Contains(err.Error(), "salesforce Account: bulk API 2.0 query job 750R00000000001IAA still InProgress after bulk_max_wait 50ms: aborted") {
		t.Errorf("got %v, want the job given up on", err)
	}
	if calls := f.Take(); calls[len(calls)-1] != "job abort" {
		t.Errorf("calls %v, want the job aborted last", calls)
	}
	if got := f.Jobs(); got["750R00000000001IAA"] != "Aborted" {
		t.Errorf("jobs %v, want the job aborted", got)
	}
	var cursors map[string]map[string]string
	if err := etl.LoadCursors(data.Cursors("crm"), &cursors); err != nil {
		t.Fatal(err)
	}
	if c := cursors["salesforce/Account"]["system_modstamp"]; c != "" {
		t.Errorf("Account's cursor %q, want none", c)
	}
}
