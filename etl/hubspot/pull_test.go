package hubspot_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

var t0 = time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)

// smallCompany puts a small HubSpot account into f: 150 companies (two
// list pages), two deals, three line items, two tickets, one linked to a
// deal.
func smallCompany(f *hubspotfake.HubSpot) {
	for i := 101; i <= 250; i++ {
		f.Put("companies", hubspotfake.Record{ID: fmt.Sprint(i), Modified: t0.Add(time.Duration(i) * time.Minute),
			Props: map[string]string{"name": fmt.Sprintf("Company %d", i), "numberofemployees": "1200", "country": "US", "industry": "Software"}})
	}
	f.Put("deals", hubspotfake.Record{ID: "201", Modified: t0, Props: map[string]string{"amount": "8000", "closedate": "2025-06-27T00:00:00Z",
		"dealstage": "closedwon", "pipeline": "default", "dealtype": "newbusiness", "hubspot_owner_id": "owner-1", "deal_currency_code": "USD"}})
	f.Put("deals", hubspotfake.Record{ID: "202", Modified: t0, Props: map[string]string{"amount": "500", "closedate": "2025-07-15T00:00:00Z",
		"dealstage": "closedlost", "pipeline": "default", "dealtype": "existingbusiness", "hubspot_owner_id": "owner-1", "deal_currency_code": "USD"}})
	f.Link("deals", "companies", "201", "101", "102")
	f.Link("deals", "companies", "202", "102")
	for i, d := range []string{"201", "201", "202"} {
		id := fmt.Sprint(301 + i)
		f.Put("line_items", hubspotfake.Record{ID: id, Modified: t0, Props: map[string]string{"hs_sku": "SKU-" + id, "name": "Seats", "quantity": "10", "price": "100", "amount": "800"}})
		f.Link("line_items", "deals", id, d)
	}
	f.Put("tickets", hubspotfake.Record{ID: "401", Modified: t0, Props: map[string]string{"subject": "Invoice shows wrong seats", "hs_ticket_category": "BILLING_ISSUE", "hs_ticket_priority": "MEDIUM"}})
	f.Put("tickets", hubspotfake.Record{ID: "402", Modified: t0, Props: map[string]string{"subject": "Question", "hs_ticket_category": "GENERAL_INQUIRY", "hs_ticket_priority": "LOW"}})
	f.Link("tickets", "companies", "401", "101")
	f.Link("tickets", "companies", "402", "101")
	f.Link("tickets", "deals", "401", "201")
}

// TestPull pulls from a fake HubSpot and loads what it landed, run by run:
//  1. the first pull lists every record (companies in two pages by
//     paging.next.after) with their associations; a 500, a ten-secondly
//     429 (waited for its window) and a timeout are retried; nothing is
//     quarantined; deals, line items and tickets find their company, deal
//     and contract;
//  2. the next pull searches what changed since: a changed deal is landed
//     again and its latest version loads; an archived company and line item
//     are landed, counted deleted and removed from the warehouse;
//  3. a pull that fails midway lands what it read; the rerun continues
//     from the cursor, searching again from the last record landed after
//     each page (past the search's 10,000-result cap), and loads each
//     record once;
//  4. a refused token fails the run with HubSpot's 401, never the token.
func TestPull(t *testing.T) {
	ctx := context.Background()
	fake := hubspotfake.New(t)
	fake.SetNow(t0.Add(24 * time.Hour))
	smallCompany(fake)
	fake.FailOn(hubspotfake.Failure{Method: "GET", Path: "/crm/v3/objects/companies", Has: "archived=false", Status: http.StatusInternalServerError, Times: 1})
	fake.FailOn(hubspotfake.Failure{Method: "POST", Path: "/crm/v4/associations/deals/companies/batch/read", Status: http.StatusTooManyRequests, Policy: "TEN_SECONDLY_ROLLING", Times: 1})
	fake.FailOn(hubspotfake.Failure{Method: "GET", Path: "/crm/v3/objects/tickets", Has: "archived=false", Status: http.StatusOK, Delay: 600 * time.Millisecond, Times: 1})

	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	settings := hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN"}
	if err := settings.Validate("sources[0] (crm)"); err != nil {
		t.Fatal(err)
	}
	var waits []time.Duration
	src := &hubspot.Source{SourceName: "crm", Settings: settings, Retries: 2, Backoff: time.Millisecond,
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond},
		Sleep:      func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	source := t.TempDir()
	fixture.WriteFile(t, filepath.Join(source, "contracts.csv"), "contract_id,account_id,deal_id,start_date,end_date,arr\nK-1,101,201,2025-07-01,2026-06-30,8000\n")
	data := wh.Dir(t.TempDir())
	var progress []etl.Progress
	opts := etl.Options{Source: source, Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}, Progress: func(p etl.Progress) {
		if p.Stage == "pull" {
			progress = append(progress, p)
		}
	}}

	// 1.
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	calls := fake.Reset()
	if got := count(calls, "GET /crm/v3/objects/companies?after="); got != 1 {
		t.Errorf("%d calls of the companies' second page, want 1:\n%s", got, strings.Join(calls, "\n"))
	}
	for _, c := range []struct {
		prefix string
		n      int
	}{
		{"GET /crm/v3/objects/companies?archived=false&limit=100&properties=", 2}, // the 500 retried
		{"POST /crm/v4/associations/deals/companies/batch/read", 2},               // the 429 retried
		{"GET /crm/v3/objects/tickets?archived=false&limit=100&properties=", 2},   // the timeout retried
		{"POST /crm/v3/objects/companies/search", 1},                              // what changed while listing
		{"GET /crm/v3/objects/deals?archived=true&limit=100&properties=", 1},      // the archived records
		{"POST /crm/v4/associations/tickets/deals/batch/read", 1},
	} {
		if got := count(calls, c.prefix); got != c.n {
			t.Errorf("%d calls %s, want %d", got, c.prefix, c.n)
		}
	}
	if len(waits) != 3 || waits[1] != 10*time.Second {
		t.Errorf("waits %v, want the back-off, the ten-secondly policy's window (X-HubSpot-RateLimit-Interval-Milliseconds 10000), the back-off", waits)
	}
	objs := pulled(t, res)
	for obj, rows := range map[string]int64{"hubspot/companies": 150, "hubspot/deals": 2, "hubspot/line_items": 3, "hubspot/tickets": 2, "hubspot/ticket_deal": 1} {
		if o := objs[obj]; o.Rows != rows || o.File != "landing/crm/"+obj+"/run-000001.jsonl" {
			t.Errorf("%s pulled %+v, want %d rows in run-000001.jsonl", obj, o, rows)
		}
	}
	if len(progress) == 0 || progress[len(progress)-1].Entity != "hubspot/tickets" || progress[len(progress)-1].Rows != 2 {
		t.Errorf("progress %+v, want the tickets' rows last", progress)
	}
	b, err := os.ReadFile(filepath.Join(string(data), "landing/crm/hubspot/deals/run-000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if line := strings.Split(string(b), "\n")[0]; !strings.Contains(line, `"associatedcompanyid":"101"`) || !strings.Contains(line, `"hs_object_id":"201"`) ||
		!strings.Contains(line, `"amount":"8000"`) || strings.Contains(line, `"properties"`) {
		t.Errorf("landed deal %s, want its properties as fields, its id and its primary company", line)
	}
	noQuarantine(t, res)
	db := fixture.OpenPublished(t, data)
	for q, want := range map[string]string{
		"SELECT count(*) FROM accounts": "150",
		"SELECT account_id || ' ' || net_amount || ' ' || stage FROM deals WHERE deal_id = '201'": "101 8000.00 won",
		"SELECT count(*) FROM deal_lines WHERE deal_id = '201'":                                   "2",
		"SELECT contract_id || ' ' || category FROM tickets WHERE ticket_id = '401'":              "K-1 billing",
		"SELECT account_id FROM tickets WHERE ticket_id = '402'":                                  "101",
	} {
		if got := fixture.Value(t, db, q); got != want {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
	db.Close()

	// 2. A deal changed, a company and a line item archived.
	later := t0.Add(25 * time.Hour)
	fake.SetNow(t0.Add(26 * time.Hour))
	fake.Put("deals", hubspotfake.Record{ID: "201", Created: t0, Modified: later, Props: map[string]string{"amount": "9000", "closedate": "2025-06-27T00:00:00Z",
		"dealstage": "closedwon", "pipeline": "default", "dealtype": "newbusiness", "hubspot_owner_id": "owner-1", "deal_currency_code": "USD"}})
	fake.Put("companies", hubspotfake.Record{ID: "250", Modified: t0, ArchivedAt: later, Props: map[string]string{"name": "Company 250"}})
	fake.Put("line_items", hubspotfake.Record{ID: "302", Modified: t0, ArchivedAt: later, Props: map[string]string{"name": "Seats"}})
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	calls = fake.Reset()
	if n := count(calls, "GET /crm/v3/objects/deals?archived=false"); n != 0 {
		t.Errorf("the second pull listed the deals %d times, want a search", n)
	}
	if n := count(calls, "POST /crm/v3/objects/deals/search"); n != 1 {
		t.Errorf("%d deal searches, want 1:\n%s", n, strings.Join(calls, "\n"))
	}
	objs = pulled(t, res)
	if o := objs["hubspot/deals"]; o.Rows != 1 || o.Cursor != later.Format(time.RFC3339Nano) {
		t.Errorf("deals pulled %+v, want the changed deal, the cursor its hs_lastmodifieddate", o)
	}
	if o := objs["hubspot/companies"]; o.Rows != 1 || o.Deleted != 1 {
		t.Errorf("companies pulled %+v, want the archived company", o)
	}
	noQuarantine(t, res)
	// The archived records are counted deleted, their earlier versions
	// superseded, and the rows the first run loaded of them removed.
	files := map[string]etl.FileResult{}
	for _, f := range res.Files {
		files[f.Path] = f
	}
	for _, obj := range []string{"companies", "line_items"} {
		if f := files["landing/crm/hubspot/"+obj+"/run-000002.jsonl"]; f.RowsDeleted != 1 {
			t.Errorf("%s: %d rows deleted, want 1", f.Path, f.RowsDeleted)
		}
		if f := files["landing/crm/hubspot/"+obj+"/run-000001.jsonl"]; f.RowsSkipped != 1 {
			t.Errorf("%s: %d rows skipped, want 1 (the archived record's earlier version)", f.Path, f.RowsSkipped)
		}
	}
	if f := files["landing/crm/hubspot/deals/run-000001.jsonl"]; f.RowsSkipped != 1 || f.RowsLoaded != 1 {
		t.Errorf("first deals file: %d loaded, %d skipped, want deal 201's first version skipped", f.RowsLoaded, f.RowsSkipped)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) || ' ' || max(net_amount) FROM deals WHERE deal_id = '201'"); got != "1 9000.00" {
		t.Errorf("deal 201: %s, want its latest version once", got)
	}
	if got := fixture.Value(t, db, "SELECT (SELECT count(*) FROM accounts WHERE account_id = '250') || ' ' || (SELECT count(*) FROM deal_lines WHERE line_id = '302')"); got != "0 0" {
		t.Errorf("archived company 250 and line item 302 in the warehouse (rows) %s, want 0 0", got)
	}
	for _, er := range res.Entities {
		if want := map[string]int64{"accounts": 1, "deal_lines": 1}[er.Entity]; er.RowsDeleted != want || er.RowsOrphaned != 0 {
			t.Errorf("%s: %d rows removed as deleted, %d as orphaned, want %d and 0", er.Entity, er.RowsDeleted, er.RowsOrphaned, want)
		}
	}
	db.Close()

	// 3. 12,000 companies changed, more than one search query pages
	// through. Each page is followed by a search from the last company
	// landed (100, then 99 new a page); the eleventh, from the 991st
	// company's time, keeps failing: the pull fails with 991 landed.
	for i := 1; i <= 12000; i++ {
		fake.Put("companies", hubspotfake.Record{ID: fmt.Sprint(10000 + i), Created: t0, Modified: later.Add(time.Duration(i) * time.Millisecond),
			Props: map[string]string{"name": fmt.Sprintf("Company %d", 10000+i), "numberofemployees": "40", "country": "US", "industry": "Finance"}})
	}
	from991 := fmt.Sprint(later.Add(991 * time.Millisecond).UnixMilli())
	fake.FailOn(hubspotfake.Failure{Method: "POST", Path: "/crm/v3/objects/companies/search", Has: `"value":"` + from991 + `"`, Status: http.StatusServiceUnavailable, Times: -1})
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull crm: hubspot/companies: POST /crm/v3/objects/companies/search: 503 INTERNAL_ERROR: internal error") {
		t.Fatalf("got %v, want the companies' 503", err)
	}
	fake.Reset()
	if o := pulledFile(t, data, "hubspot/companies", 3); o != 991 {
		t.Errorf("the failed pull landed %d companies, want the 991 read before the failure", o)
	}
	fake.Heal()
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	calls = fake.Reset()
	searches := slices.DeleteFunc(slices.Clone(calls), func(c string) bool { return !strings.HasPrefix(c, "POST /crm/v3/objects/companies/search") })
	if len(searches) == 0 || searches[0] != "POST /crm/v3/objects/companies/search GTE "+from991+` after ""` {
		t.Errorf("the rerun did not start at the last company landed:\n%s", strings.Join(searches[:min(3, len(searches))], "\n"))
	}
	for _, c := range searches {
		if !strings.HasSuffix(c, ` after ""`) {
			t.Errorf("%s: the search followed an offset", c)
		}
	}
	if n := len(searches); n != 112 {
		t.Errorf("%d company searches, want 112 (11,009 companies, 99 new a page)", n)
	}
	if o := pulled(t, res)["hubspot/companies"]; o.Rows != 11009 {
		t.Errorf("the rerun landed %d companies, want the 11,009 left", o.Rows)
	}
	noQuarantine(t, res)
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) || ' ' || count(DISTINCT account_id) FROM accounts"); got != "12149 12149" {
		t.Errorf("accounts: %s, want each of the 149 left (250 is archived) and the 12,000 new once", got)
	}
	db.Close()

	// 4. A refused token.
	const wrong = "pat-na1-99999999-8888-7777-6666-555555555555"
	t.Setenv("TEST_HUBSPOT_TOKEN", wrong)
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "401 HubSpot refused the private app's access token") || !strings.Contains(err.Error(), "rotate") ||
		!strings.Contains(err.Error(), "INVALID_AUTHENTICATION") {
		t.Errorf("got %v, want HubSpot's 401", err)
	}
	if n := len(fake.Reset()); n != 1 {
		t.Errorf("%d calls, want 1: a 401 is not retried", n)
	}
	b, _ = os.ReadFile(data.RunLog())
	for _, secret := range []string{hubspotfake.Token, wrong} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds the token: %v", err)
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("the run log holds the token")
		}
	}
}

// TestDailyLimit checks that a pull stops before the calls left today
// fall to the reserve, and fails without retrying on a 429 of the daily
// policy, landing what it read and keeping its cursors.
func TestDailyLimit(t *testing.T) {
	ctx := context.Background()
	fake := hubspotfake.New(t)
	smallCompany(fake)
	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	dir := t.TempDir()
	env := etl.PullEnv{RunID: 1, Landing: filepath.Join(dir, "landing"), Cursors: filepath.Join(dir, "cursors.json")}

	t.Run("Reserve", func(t *testing.T) {
		fake.SetDailyLeft(25001) // the default reserve is a tenth of the 250,000
		src := &hubspot.Source{SourceName: "crm", Settings: hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN"}}
		rep, err := src.Pull(ctx, env)
		if err == nil || !strings.Contains(err.Error(), "the account has 25000 of its 250000 daily API calls left") {
			t.Fatalf("got %v, want the stop before the reserve", err)
		}
		if calls := fake.Reset(); len(calls) != 1 {
			t.Errorf("calls %v, want the one before the reserve", calls)
		}
		if len(rep.Objects) != 1 || rep.Objects[0].Rows != 100 || rep.Objects[0].Cursor == "" {
			t.Errorf("report %+v, want the first page of companies landed and its cursor", rep.Objects)
		}
	})
	t.Run("Daily429", func(t *testing.T) {
		fake.SetDailyLeft(200000)
		fake.FailOn(hubspotfake.Failure{Method: "GET", Path: "/crm/v3/objects/companies", Status: http.StatusTooManyRequests, Policy: "DAILY", Times: -1})
		src := &hubspot.Source{SourceName: "crm", Settings: hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN", DailyReserve: 1000}}
		_, err := src.Pull(ctx, env)
		if err == nil || !strings.Contains(err.Error(), "429 the account's daily API limit is used up (policy DAILY)") {
			t.Fatalf("got %v, want the daily limit", err)
		}
		if calls := fake.Reset(); len(calls) != 1 || !strings.Contains(calls[0], "after=") {
			t.Errorf("calls %v, want one, from the stored cursor, not retried", calls)
		}
	})
}

func count(calls []string, prefix string) int {
	n := 0
	for _, c := range calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

// pulled are the objects a run's pull read, by object.
func pulled(t *testing.T, res *etl.Result) map[string]etl.PullObject {
	t.Helper()
	out := map[string]etl.PullObject{}
	for _, p := range res.Pulls {
		if p.Kind != "hubspot" || p.Source != "crm" {
			t.Errorf("pull report %s of kind %s", p.Source, p.Kind)
		}
		for _, o := range p.Objects {
			out[o.Object] = o
		}
	}
	return out
}

// pulledFile counts the lines run run landed of object.
func pulledFile(t *testing.T, data wh.Dir, object string, run int) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(string(data), "landing/crm", object, fmt.Sprintf("run-%06d.jsonl", run)))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(b), "\n")
}

func noQuarantine(t *testing.T, res *etl.Result) {
	t.Helper()
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "") {
			t.Errorf("%s: %d rows quarantined %s", f.Path, f.RowsQuarantined, f.Error)
		}
	}
}
