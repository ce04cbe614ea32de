package netsuite_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/netsuite/netsuitefake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

func invoice(id, customer, date, total, modified string) netsuitefake.Row {
	return netsuitefake.Row{"id": id, "type": "CustInvc", "tranid": "INV" + id, "trandate": date, "duedate": date, "startdate": date,
		"entity": customer, "currency": "USD", "exchangerate": 1, "status": "A", "foreigntotal": total, "lastmodifieddate": modified}
}

func line(tx string, seq int, amount float64, modified string) netsuitefake.Row {
	return netsuitefake.Row{"transaction": tx, "linesequencenumber": seq, "item": "PLAT-ANNUAL", "memo": "Platform", "quantity": -1,
		"rate": amount, "foreignamount": -amount, "lastmodifieddate": modified}
}

// settings point a source at the fake, the credentials in the environment.
func settings(t *testing.T, f *netsuitefake.NetSuite) netsuite.Settings {
	t.Helper()
	t.Setenv("TEST_NS_CONSUMER_KEY", netsuitefake.ConsumerKey)
	t.Setenv("TEST_NS_CONSUMER_SECRET", netsuitefake.ConsumerSecret)
	t.Setenv("TEST_NS_TOKEN_ID", netsuitefake.TokenID)
	t.Setenv("TEST_NS_TOKEN_SECRET", netsuitefake.TokenSecret)
	s := netsuite.Settings{
		AccountID: "1234567-sb1", SuiteTalkURL: f.URL(),
		ConsumerKeyEnv: "TEST_NS_CONSUMER_KEY", ConsumerSecretEnv: "TEST_NS_CONSUMER_SECRET",
		TokenIDEnv: "TEST_NS_TOKEN_ID", TokenSecretEnv: "TEST_NS_TOKEN_SECRET",
	}
	if err := s.Validate("sources[0] (erp)"); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPull pulls from a fake NetSuite and loads what it landed, run by run:
//  1. customers (a 500 retried), transactions in two pages of two (the
//     second answered 429 once), invoice lines (the first call timing out
//     once); none quarantined, the invoices resolve to account ACC-1
//     through the customer's externalid;
//  2. the next pull asks only for what changed after each cursor: an
//     invoice changed (landed again, its new total loads) and a credit memo
//     deleted (landed from deletedrecord with its type, counted deleted and
//     removed from the warehouse);
//  3. a page that keeps failing fails the pull: the page before is landed
//     with its cursor, and the next pull continues after it, loading each
//     invoice once;
//  4. a wrong token secret fails the pull with NetSuite's 401, not
//     retried, the secrets in no error and not in the run log.
func TestPull(t *testing.T) {
	ctx := context.Background()
	f := netsuitefake.New(t)
	f.Tables["customer"] = []netsuitefake.Row{
		{"id": "7001", "entityid": "CUST1", "companyname": "Northwind Analytics", "externalid": "ACC-1", "lastmodifieddate": "2025-05-01 09:00:00"},
	}
	f.Tables["transaction"] = []netsuitefake.Row{
		invoice("100001", "7001", "2025-05-01", "1200", "2025-05-01 10:00:00"),
		invoice("100002", "7001", "2025-05-02", "800", "2025-05-02 10:00:00"),
		{"id": "500001", "type": "CustCred", "tranid": "CM1", "trandate": "2025-05-03", "entity": "7001", "currency": "USD",
			"status": "B", "foreigntotal": -200, "memo": "service credit", "appliedtotransaction": "100001", "lastmodifieddate": "2025-05-03 10:00:00"},
	}
	f.Tables["transactionline"] = []netsuitefake.Row{
		line("100001", 1, 1000, "2025-05-01 10:00:00"), line("100001", 2, 200, "2025-05-01 10:00:00"),
		line("100002", 1, 800, "2025-05-02 10:00:00"),
	}
	f.Fail["customer@"] = netsuitefake.Failure{Status: http.StatusInternalServerError, Times: 1}
	f.Fail["transaction@2025-05-02 10:00:00"] = netsuitefake.Failure{Status: http.StatusTooManyRequests, Times: 1}
	f.Fail["transactionline@"] = netsuitefake.Failure{Sleep: 300 * time.Millisecond, Times: 1}

	src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: 2, Backoff: time.Millisecond, PageSize: 2,
		HTTPClient: &http.Client{Timeout: 150 * time.Millisecond}}
	data := wh.Dir(t.TempDir())
	var progress []etl.Progress
	opts := etl.Options{Source: fixture.CopySource(t, "../testdata/good"), Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src},
		Progress: func(p etl.Progress) {
			if p.Stage == "pull" {
				progress = append(progress, p)
			}
		}}

	// 1.
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"deletedrecord@", "customer@", "customer@",
		"deletedrecord@", "transaction@", "transaction@2025-05-02 10:00:00", "transaction@2025-05-02 10:00:00",
		"transactionline@", "transactionline@", "transactionline@2025-05-01 10:00:00",
	}
	if got := f.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant (a 500, a 429 and a timeout retried, pages of 2 after the last record landed):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	objs := pulled(t, res)
	if o := objs["netsuite/transaction"]; o.Rows != 3 || o.File != "landing/erp/netsuite/transaction/run-000001.jsonl" || o.Cursor != "2025-05-03 10:00:00 500001" {
		t.Errorf("transactions pulled %+v, want 3 rows in run-000001.jsonl, cursor the credit memo", o)
	}
	if o := objs["netsuite/transactionline"]; o.Rows != 3 || o.Cursor != "2025-05-02 10:00:00 100002/1" {
		t.Errorf("lines pulled %+v, want 3, cursor the last line", o)
	}
	if len(progress) == 0 || progress[len(progress)-1].Entity != "netsuite/transactionline" || progress[len(progress)-1].Rows != 3 {
		t.Errorf("progress %+v, want the lines' 3 rows last", progress)
	}
	b, err := os.ReadFile(filepath.Join(string(data), "landing/erp/netsuite/transaction/run-000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if first := strings.SplitN(string(b), "\n", 2)[0]; !strings.HasPrefix(first, `{"id":"100001","type":"CustInvc",`) || !strings.Contains(first, `"closedate":null`) || strings.Contains(first, "links") {
		t.Errorf("landed transaction %s, want every field in order, null ones written, no links", first)
	}
	noQuarantine(t, res)
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(account_id || ' ' || CAST(amount AS VARCHAR), ', ' ORDER BY invoice_id) FROM invoices WHERE invoice_id IN ('100001', '100002')"); got != "ACC-1 1200.00, ACC-1 800.00" {
		t.Errorf("invoices %s, want both of ACC-1", got)
	}
	if got := fixture.Value(t, db, "SELECT sum(amount) FROM invoice_lines WHERE invoice_id = '100001'"); got != "1200.00" {
		t.Errorf("invoice 100001's lines sum to %s, want 1200.00", got)
	}
	if got := fixture.Value(t, db, "SELECT invoice_id FROM credit_notes WHERE credit_note_id = '500001'"); got != "100001" {
		t.Errorf("credit memo 500001 applied to %q, want 100001", got)
	}
	db.Close()

	// 2. Invoice 100002 changes; credit memo 500001 is deleted.
	f.Tables["transaction"][1] = invoice("100002", "7001", "2025-05-02", "950", "2025-05-04 10:00:00")
	f.Tables["transaction"] = f.Tables["transaction"][:2]
	f.Tables["transactionline"][2] = line("100002", 1, 950, "2025-05-04 10:00:00")
	f.Tables["deletedrecord"] = []netsuitefake.Row{{"recordid": "500001", "type": "creditmemo", "deleteddate": "2025-05-04 11:00:00"}}
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"deletedrecord@", "customer@2025-05-01 09:00:00", "deletedrecord@", "transaction@2025-05-03 10:00:00", "transactionline@2025-05-02 10:00:00"}
	if got := f.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("second pull's calls:\n%s\nwant after the stored cursors:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	objs = pulled(t, res)
	if o := objs["netsuite/transaction"]; o.Rows != 2 || o.Deleted != 1 || o.Since != "2025-05-03 10:00:00 500001" {
		t.Errorf("second pull's transactions %+v, want the deletion and the changed invoice", o)
	}
	if o := objs["netsuite/customer"]; o.Rows != 0 || o.File != "" {
		t.Errorf("second pull's customers %+v, want none", o)
	}
	noQuarantine(t, res)
	if fr := file(res, "landing/erp/netsuite/transaction/run-000002.jsonl"); fr == nil || fr.RowsDeleted != 1 || fr.RowsLoaded != 1 {
		t.Errorf("second transaction file %+v, want 1 loaded and 1 deleted", fr)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(CAST(amount AS VARCHAR), ', ') FROM invoices WHERE invoice_id = '100002'"); got != "950.00" {
		t.Errorf("invoice 100002: %s, want its latest total 950.00 once", got)
	}
	if got := fixture.Value(t, db, "SELECT string_agg(CAST(amount AS VARCHAR), ', ') FROM invoice_lines WHERE invoice_id = '100002'"); got != "950.00" {
		t.Errorf("invoice 100002's lines: %s, want its latest line once", got)
	}
	// Landed with its deletedrecord type, the deleted credit memo is known
	// for a credit note, and the row the first run loaded of it removed.
	if got := fixture.Value(t, db, "SELECT count(*) FROM credit_notes WHERE credit_note_id = '500001'"); got != "0" {
		t.Errorf("deleted credit memo 500001: %s rows, want 0", got)
	}
	db.Close()

	// 3. Three new invoices in pages of two; the second page keeps failing.
	for i, id := range []string{"100003", "100004", "100005"} {
		m := "2025-05-05 10:00:0" + string(rune('0'+i))
		f.Tables["transaction"] = append(f.Tables["transaction"], invoice(id, "7001", "2025-05-05", "100", m))
		f.Tables["transactionline"] = append(f.Tables["transactionline"], line(id, 1, 100, m))
	}
	f.Fail["transaction@2025-05-05 10:00:01"] = netsuitefake.Failure{Status: http.StatusServiceUnavailable, Times: -1}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull erp: netsuite/transaction: POST /services/rest/query/v1/suiteql: 503 UNEXPECTED_ERROR") {
		t.Fatalf("got %v, want the transactions' 503", err)
	}
	if n := strings.Count(strings.Join(f.Reset(), "\n"), "transaction@2025-05-05 10:00:01"); n != 3 {
		t.Errorf("%d calls of the failing page, want 3 (two retries)", n)
	}
	var cursors map[string]map[string]map[string]any
	if err := etl.LoadCursors(data.Cursors("erp"), &cursors); err != nil {
		t.Fatal(err)
	}
	if got := cursors["netsuite/transaction"]["lastmodifieddate"]["time"]; got != "2025-05-05 10:00:01" {
		t.Errorf("transactions' cursor %v, want the last invoice landed (100004)", got)
	}
	delete(f.Fail, "transaction@2025-05-05 10:00:01")
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := pulled(t, res)["netsuite/transaction"]; got.Rows != 1 || got.Since != "2025-05-05 10:00:01 100004" {
		t.Errorf("resumed transactions %+v, want only 100005 after 100004", got)
	}
	f.Reset()
	noQuarantine(t, res)
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) || ' ' || count(DISTINCT invoice_id) FROM invoices WHERE invoice_id IN ('100003', '100004', '100005')"); got != "3 3" {
		t.Errorf("invoices 100003-5: %s rows and distinct, want 3 3", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM invoice_lines WHERE invoice_id IN ('100003', '100004', '100005')"); got != "3" {
		t.Errorf("%s lines of invoices 100003-5, want 3", got)
	}
	db.Close()

	// 4. A wrong token secret.
	const wrong = "ts-revoked-1f2e3d4c5b6a"
	t.Setenv("TEST_NS_TOKEN_SECRET", wrong)
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "401 NetSuite refused the token-based authentication") || !strings.Contains(err.Error(), "INVALID_LOGIN Invalid login attempt") {
		t.Errorf("got %v, want NetSuite's 401", err)
	}
	if n := len(f.Reset()); n != 1 {
		t.Errorf("%d calls, want 1: a 401 is not retried", n)
	}
	b, _ = os.ReadFile(data.RunLog())
	for _, secret := range []string{netsuitefake.ConsumerKey, netsuitefake.ConsumerSecret, netsuitefake.TokenID, netsuitefake.TokenSecret, wrong} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds a credential: %v", err)
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("the run log holds a credential")
		}
	}
}

// pulled are the objects a run's pull read, by object.
func pulled(t *testing.T, res *etl.Result) map[string]etl.PullObject {
	t.Helper()
	out := map[string]etl.PullObject{}
	for _, p := range res.Pulls {
		if p.Kind != "netsuite" || p.Source != "erp" {
			t.Errorf("pull report %s of kind %s", p.Source, p.Kind)
		}
		for _, o := range p.Objects {
			out[o.Object] = o
		}
	}
	return out
}

// noQuarantine fails on any landed row quarantined.
func noQuarantine(t *testing.T, res *etl.Result) {
	t.Helper()
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "") {
			t.Errorf("%s: %d rows quarantined %s", f.Path, f.RowsQuarantined, f.Error)
		}
	}
}

func file(res *etl.Result, path string) *etl.FileResult {
	for i := range res.Files {
		if res.Files[i].Path == path {
			return &res.Files[i]
		}
	}
	return nil
}
