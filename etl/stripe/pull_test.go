package stripe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/stripe"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// stripe-mock's fixtures, the same on every list.
const (
	mockCustomer = "cus_QXg1o8vcGmoR32"
	mockInvoice  = "in_1Pgc6tB7WZ01zgkWu9fdqL6I"
)

// TestPull pulls from stripe-mock through a recording proxy and checks, run by run:
//  1. every list is read by created range, 100 a page, paging with
//     starting_after (the proxy says the first customers page has more),
//     a 500 retried by stripe-go; the objects land as JSON lines where the
//     adapters read them, and load: the customer resolves to its account
//     through account_xref.csv;
//  2. the next pull reads from the newest created landed less the lookback;
//  3. a call that keeps failing fails the pull: what was read is landed,
//     the cursor keeps the window and starting_after, and the next pull
//     continues from there;
//  4. a refused key fails the pull with Stripe's message, never the key.
func TestPull(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts stripe-mock")
	}
	ctx := context.Background()
	px, base := startProxy(t, startStripeMock(t))
	const key = "sk_test_not-a-real-key-7d1e"
	t.Setenv("TEST_STRIPE_KEY", key)
	settings := stripe.Settings{SecretKeyEnv: "TEST_STRIPE_KEY", APIBase: base, LookbackDays: 10}
	if err := settings.Validate("sources[0] (billing)"); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	src := &stripe.Source{SourceName: "billing", Settings: settings, Retries: 2, Backoff: time.Millisecond, Now: func() time.Time { return now }}

	// A small company: Salesforce accounts, and the xref of stripe-mock's customer.
	source := fixture.CopySource(t, "../adapters/testdata/mixed")
	for _, dir := range []string{"stripe", "zendesk", "docusign", "tickets.csv"} {
		os.RemoveAll(filepath.Join(source, dir))
	}
	fixture.WriteFile(t, filepath.Join(source, "account_xref.csv"), "source,source_id,account_id\nstripe,"+mockCustomer+",0015g00000AbCdEAAV\n")
	data := wh.Dir(t.TempDir())
	opts := etl.Options{Source: source, Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}}

	// 1.
	// The proxy makes the first customers page say it has more, and
	// stripe-mock's draft invoice paid and its credit note credit it, so
	// that the fixtures make one consistent company.
	px.rewrite = func(r *http.Request, body []byte) []byte {
		var list map[string]any
		if json.Unmarshal(body, &list) != nil || list["object"] != "list" {
			return body
		}
		data, _ := list["data"].([]any)
		for _, o := range data {
			o := o.(map[string]any)
			switch r.URL.Path {
			case "/v1/invoices":
				o["status"] = "paid"
			case "/v1/credit_notes":
				o["invoice"] = mockInvoice
			}
		}
		if r.URL.Path == "/v1/customers" && r.URL.Query().Get("starting_after") == "" {
			list["has_more"] = true
		}
		b, _ := json.Marshal(list)
		return b
	}
	retried := false
	px.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path == "/v1/invoices" && n <= 5 && r.URL.Query().Get("starting_after") == "" && !retried {
			retried = true
			http.Error(w, `{"error":{"message":"try again","type":"api_error"}}`, http.StatusInternalServerError)
			return true
		}
		return false
	}
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	calls := px.reset()
	to := "created[lte]=1782777600"
	if n := has(calls, "/v1/customers", "created[gt]=0", to, "limit=100"); n != 2 {
		t.Errorf("customers: %d calls by created range, want 2: %v", n, calls)
	}
	if n := has(calls, "/v1/customers", "starting_after="+mockCustomer); n != 1 {
		t.Errorf("customers: no second page after %s: %v", mockCustomer, calls)
	}
	if n := has(calls, "/v1/subscriptions", "status=all", to); n != 1 {
		t.Errorf("subscriptions: %d calls with status=all, want 1: %v", n, calls)
	}
	if n := has(calls, "/v1/invoices", to); n != 2 {
		t.Errorf("invoices: %d calls, want 2 (a 500, retried): %v", n, calls)
	}
	if n := has(calls, "/v1/credit_notes", to); n != 1 {
		t.Errorf("credit notes: %d calls, want 1: %v", n, calls)
	}
	landed := map[string]int64{}
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			landed[o.Object] = o.Rows
			if o.Rows > 0 && o.File != filepath.ToSlash(filepath.Join("landing", "billing", o.Object, "run-000001.jsonl")) {
				t.Errorf("%s landed as %s", o.Object, o.File)
			}
		}
	}
	if landed["stripe/customers"] != 2 || landed["stripe/subscriptions"] != 1 || landed["stripe/invoices"] != 1 || landed["stripe/credit_notes"] != 1 {
		t.Errorf("landed %v, want 2 customers (two pages), 1 subscription, invoice and credit note", landed)
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "") {
			t.Errorf("%s: %d rows quarantined %s", f.Path, f.RowsQuarantined, f.Error)
		}
	}
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT account_id || ' ' || amount FROM invoices WHERE invoice_id = ?", mockInvoice); got != "0015g00000AbCdEAAV 10.00" {
		t.Errorf("invoice %s: got %s, want account 0015g00000AbCdEAAV (through account_xref) and amount 10.00", mockInvoice, got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM credit_notes WHERE invoice_id = ?", mockInvoice); got != "1" {
		t.Errorf("credit notes of %s: got %s, want 1", mockInvoice, got)
	}
	var cursors map[string]map[string]any
	if err := etl.LoadCursors(data.Cursors("billing"), &cursors); err != nil {
		t.Fatal(err)
	}
	for _, obj := range []string{"stripe/customers", "stripe/subscriptions", "stripe/invoices", "stripe/credit_notes"} {
		if got := cursors[obj]; got["created"] != float64(1234567890) || got["starting_after"] != nil {
			t.Errorf("%s cursor %v, want created 1234567890 and no pull under way", obj, got)
		}
	}

	// 2. The next pull reads from the newest created less 10 days.
	px.rewrite = nil
	now = now.Add(24 * time.Hour)
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	calls = px.reset()
	if n := has(calls, "/v1/customers", "created[gt]=1233703890", "created[lte]=1782864000"); n != 1 {
		t.Errorf("second pull: want customers created after the cursor less the lookback: %v", calls)
	}

	// 3. Invoices keep failing: the pull fails, the customers and
	// subscriptions read are landed, the invoices' window kept.
	now = now.Add(24 * time.Hour)
	px.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path == "/v1/invoices" {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":{"message":"service unavailable","type":"api_error"}}`))
			return true
		}
		return false
	}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull billing: stripe/invoices: GET /v1/invoices: 503 service unavailable") {
		t.Fatalf("got %v, want the invoices' 503", err)
	}
	if n := has(px.reset(), "/v1/invoices"); n != 3 {
		t.Errorf("invoices: %d calls, want 3 (two retries)", n)
	}
	cursors = nil
	if err := etl.LoadCursors(data.Cursors("billing"), &cursors); err != nil {
		t.Fatal(err)
	}
	if got := cursors["stripe/invoices"]; got["to"] != float64(now.Unix()) {
		t.Errorf("invoices cursor %v, want the window of the failed pull kept", got)
	}
	// The next pull goes on in that window.
	px.answer = nil
	now = now.Add(time.Hour)
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	calls = px.reset()
	if n := has(calls, "/v1/invoices", "created[lte]="+fmtUnix(now.Add(-time.Hour))); n != 1 {
		t.Errorf("resumed pull: want the invoices of the failed pull's window: %v", calls)
	}

	// 4. A refused key.
	px.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":{"message":"Invalid API Key provided: sk_test_********7d1e","type":"invalid_request_error"}}`))
		return true
	}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "401 Invalid API Key provided") || strings.Contains(err.Error(), key) {
		t.Errorf("got %v, want Stripe's 401 without the key", err)
	}
	b, _ := os.ReadFile(data.RunLog())
	if strings.Contains(string(b), key) {
		t.Errorf("the run log holds the key")
	}
}

func fmtUnix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
