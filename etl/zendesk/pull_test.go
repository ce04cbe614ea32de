package zendesk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/internal/fixture"
)

const (
	email = "agent@acme.example"
	token = "zd-not-a-real-token-5f2a"
)

// fakeZendesk answers as Zendesk's documentation shows:
//   - the incremental exports,
//     https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/:
//     tickets with the cursor-based export (GET
//     /api/v2/incremental/tickets/cursor.json, start_time on the first
//     call, then cursor=<after_cursor>; the answer holds tickets,
//     after_url, after_cursor, before_url, before_cursor and
//     end_of_stream), deleted tickets listed with status "deleted";
//     organizations and ticket events with the time-based export (GET
//     /api/v2/incremental/organizations.json?start_time= and
//     /api/v2/incremental/ticket_events.json?start_time=; the answer holds
//     the objects, next_page, count, end_time and end_of_stream; a page
//     holds up to 1,000 objects, end_time is the time of its last one and
//     the start_time of the next page, which so lists again the objects of
//     that time), a ticket event as
//     https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export
//     shows it: id, ticket_id, timestamp, created_at, updater_id, via,
//     system, metadata, event_type "Audit" and child_events, whose Change
//     events hold the field changed by name with its previous_value;
//   - pagination, https://developer.zendesk.com/api-reference/introduction/pagination/:
//     the cursor is opaque, and end_of_stream true says there is no more;
//   - rate limits, https://developer.zendesk.com/api-reference/introduction/rate-limits/:
//     429 Too Many Requests with a Retry-After header in seconds;
//   - authentication: Basic "{email}/token:{api_token}", else 401
//     {"error":"Couldn't authenticate you"}.
type fakeZendesk struct {
	mu    sync.Mutex
	calls []string // path?query
	// pages are the ticket pages by the cursor they answer ("" for
	// start_time): the page's tickets, its after_cursor and end_of_stream.
	pages map[string]ticketPage
	// orgs are the organizations (nil: organization 501 alone), events
	// the ticket events, each in the order of its time; perPage bounds a
	// page of theirs (1,000 when 0).
	orgs, events []map[string]any
	perPage      int
	// fail answers a call with a status instead, once per entry of times
	// (-1: always); key path?query.
	fail map[string]failure
	srv  *httptest.Server
}

type ticketPage struct {
	tickets []map[string]any
	after   string
	end     bool
}

type failure struct {
	status     int
	retryAfter string
	times      int
}

func (f *fakeZendesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.URL.Path + "?" + r.URL.RawQuery
	f.calls = append(f.calls, call)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if user, pw, ok := r.BasicAuth(); !ok || user != email+"/token" || pw != token {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"Couldn't authenticate you"}`))
		return
	}
	if fl, ok := f.fail[call]; ok && fl.times != 0 {
		fl.times--
		f.fail[call] = fl
		if fl.retryAfter != "" {
			w.Header().Set("Retry-After", fl.retryAfter)
		}
		w.WriteHeader(fl.status)
		if fl.status == http.StatusTooManyRequests {
			w.Write([]byte(`{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}`))
		} else {
			w.Write([]byte(`{"error":"InternalError","description":"Something went wrong"}`))
		}
		return
	}
	base := f.srv.URL
	var answer map[string]any
	switch r.URL.Path {
	case "/api/v2/incremental/tickets/cursor.json":
		key := r.URL.Query().Get("cursor")
		if key == "" && r.URL.Query().Get("start_time") == "" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"start_time or cursor is required"}`))
			return
		}
		pg, ok := f.pages[key]
		if !ok {
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"Invalid cursor"}`))
			return
		}
		answer = map[string]any{
			"tickets":       pg.tickets,
			"after_url":     base + "/api/v2/incremental/tickets/cursor.json?cursor=" + pg.after,
			"after_cursor":  pg.after,
			"before_url":    nil,
			"before_cursor": nil,
			"end_of_stream": pg.end,
		}
	case "/api/v2/incremental/organizations.json", "/api/v2/incremental/ticket_events.json":
		start, err := strconv.ParseInt(r.URL.Query().Get("start_time"), 10, 64)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"start_time is required"}`))
			return
		}
		key, stamp, list := "organizations", "updated_at", f.orgs
		if strings.HasSuffix(r.URL.Path, "ticket_events.json") {
			key, stamp, list = "ticket_events", "timestamp", f.events
		} else if list == nil {
			list = []map[string]any{{
				"url": base + "/api/v2/organizations/501.json", "id": 501, "name": "Northwind Analytics",
				"shared_tickets": false, "shared_comments": false, "external_id": "ACC-1",
				"created_at": "2021-02-01T10:00:00Z", "updated_at": "2025-05-11T21:46:40Z",
				"deleted_at": nil, "domain_names": []string{"northwind.example"}, "details": "", "notes": "",
				"group_id": nil, "tags": []string{}, "organization_fields": map[string]any{},
			}}
		}
		items, end, eos := f.timePage(list, stamp, start)
		answer = map[string]any{
			key:             items,
			"next_page":     fmt.Sprintf("%s%s?start_time=%d", base, r.URL.Path, end),
			"count":         len(items),
			"end_of_stream": eos,
			"end_time":      end,
		}
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"InvalidEndpoint","description":"Not found"}`))
		return
	}
	json.NewEncoder(w).Encode(answer)
}

// timePage is the page of a time-based export from start: the objects
// stamped at or after it, up to perPage, the time of its last one (start
// when none) and whether it holds the last one.
func (f *fakeZendesk) timePage(list []map[string]any, stamp string, start int64) ([]map[string]any, int64, bool) {
	per := f.perPage
	if per == 0 {
		per = 1000
	}
	items := []map[string]any{}
	end := start
	for i, o := range list {
		at := unix(o[stamp])
		if at < start {
			continue
		}
		if len(items) == per {
			return items, end, false
		}
		items, end = append(items, list[i]), at
	}
	return items, end, true
}

// unix reads a time field as Unix seconds: a number or an ISO 8601 time.
func unix(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		t, _ := time.Parse(time.RFC3339, v)
		return t.Unix()
	}
	return 0
}

func (f *fakeZendesk) reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

// ticket is a ticket as the export lists it.
func ticket(base string, id int, status, created string) map[string]any {
	return map[string]any{
		"url": fmt.Sprintf("%s/api/v2/tickets/%d.json", base, id), "id": id, "external_id": nil,
		"via":        map[string]any{"channel": "email", "source": map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": nil}},
		"created_at": created, "updated_at": "2025-05-11T12:00:00Z", "type": "problem",
		"subject": fmt.Sprintf("Ticket %d", id), "raw_subject": fmt.Sprintf("Ticket %d", id), "description": "The export stops at 10%.",
		"priority": "normal", "status": status, "recipient": nil, "requester_id": 9001, "submitter_id": 9001,
		"assignee_id": nil, "organization_id": 501, "group_id": 360001, "collaborator_ids": []int{},
		"follower_ids": []int{}, "email_cc_ids": []int{}, "forum_topic_id": nil, "problem_id": nil,
		"has_incidents": false, "is_public": true, "due_at": nil, "tags": []string{"export"},
		"custom_fields": []any{}, "satisfaction_rating": nil, "sharing_agreement_ids": []int{}, "fields": []any{},
		"followup_ids": []int{}, "ticket_form_id": 360000001, "brand_id": 360000002,
		"allow_channelback": false, "allow_attachments": true, "generated_timestamp": 1746964800,
	}
}

// TestPull pulls from a fake Zendesk and loads what it landed, run by run:
//  1. organizations (a 500 retried), then tickets from start_time=0 in two
//     pages (the second answered 429 with Retry-After: 1 once); a deleted
//     ticket is landed and counted deleted by the load, none quarantined;
//     the ticket resolves to account ACC-1 through its organization's
//     external_id;
//  2. the next pull sends the stored after_cursor and lands only the new
//     ticket, and skips the organization the export lists again at the
//     end_time it stopped at;
//  3. a call that keeps failing fails the pull: the page read before is
//     landed, the cursor is that page's, and the next pull continues from it;
//  4. a refused token fails the run with Zendesk's 401, never the token.
func TestPull(t *testing.T) {
	ctx := context.Background()
	fake := &fakeZendesk{fail: map[string]failure{}}
	fake.srv = httptest.NewServer(fake)
	defer fake.srv.Close()
	base := fake.srv.URL
	fake.pages = map[string]ticketPage{
		"":                         {tickets: []map[string]any{ticket(base, 101, "solved", "2025-05-02T09:00:00Z"), ticket(base, 102, "open", "2025-05-10T09:00:00Z")}, after: "MTc0Njk2NDgwMC4wfHwxMDJ8", end: false},
		"MTc0Njk2NDgwMC4wfHwxMDJ8": {tickets: []map[string]any{ticket(base, 103, "deleted", "2025-05-10T10:00:00Z")}, after: "MTc0Njk2NTAwMC4wfHwxMDN8", end: true},
	}
	fake.fail["/api/v2/incremental/organizations.json?start_time=0"] = failure{status: http.StatusInternalServerError, times: 1}
	fake.fail["/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NDgwMC4wfHwxMDJ8"] = failure{status: http.StatusTooManyRequests, retryAfter: "1", times: 1}

	t.Setenv("TEST_ZENDESK_TOKEN", token)
	settings := zendesk.Settings{BaseURL: base, Email: email, TokenEnv: "TEST_ZENDESK_TOKEN"}
	if err := settings.Validate("sources[0] (support)"); err != nil {
		t.Fatal(err)
	}
	src := &zendesk.Source{SourceName: "support", Settings: settings, Retries: 2, Backoff: time.Millisecond}
	source := fixture.CopySource(t, "../testdata/good")
	data := wh.Dir(t.TempDir())
	var progress []etl.Progress
	opts := etl.Options{Source: source, Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}, Progress: func(p etl.Progress) {
		if p.Stage == "pull" {
			progress = append(progress, p)
		}
	}}

	// 1.
	start := time.Now()
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("the run took %v: the 429's Retry-After: 1 was not waited for", d)
	}
	want := []string{
		"/api/v2/incremental/organizations.json?start_time=0",
		"/api/v2/incremental/organizations.json?start_time=0",
		"/api/v2/incremental/tickets/cursor.json?start_time=0",
		"/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NDgwMC4wfHwxMDJ8",
		"/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NDgwMC4wfHwxMDJ8",
		"/api/v2/incremental/ticket_events.json?start_time=0",
	}
	if got := fake.reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant (a 500 and a 429 retried):\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	objs := pulled(t, res)
	if o := objs["zendesk/tickets"]; o.Rows != 3 || o.Deleted != 1 || o.File != "landing/support/zendesk/tickets/run-000001.jsonl" || o.Cursor != "MTc0Njk2NTAwMC4wfHwxMDN8" {
		t.Errorf("tickets pulled %+v, want 3 rows, 1 deleted, in run-000001.jsonl, cursor the last after_cursor", o)
	}
	if o := objs["zendesk/organizations"]; o.Rows != 1 || o.Cursor != "1747000000" || o.File != "landing/support/zendesk/organizations/run-000001.jsonl" {
		t.Errorf("organizations pulled %+v, want 1 row, cursor the end_time", o)
	}
	if n := len(progress); n < 2 || progress[n-2].Entity != "zendesk/tickets" || progress[n-2].Rows != 3 || progress[n-1].Entity != "zendesk/ticket_events" {
		t.Errorf("progress %+v, want the tickets' rows, then the ticket events'", progress)
	}
	b, err := os.ReadFile(filepath.Join(string(data), "landing/support/zendesk/tickets/run-000001.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); len(lines) != 3 || !strings.Contains(lines[2], `"status":"deleted"`) {
		t.Errorf("landed tickets:\n%s\nwant one ticket a line, the deleted one as sent", b)
	}
	var ticketsFile *etl.FileResult
	for i, f := range res.Files {
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "") {
			t.Errorf("%s: %d rows quarantined %s", f.Path, f.RowsQuarantined, f.Error)
		}
		if f.Path == "landing/support/zendesk/tickets/run-000001.jsonl" {
			ticketsFile = &res.Files[i]
		}
	}
	if ticketsFile == nil || ticketsFile.RowsLoaded != 2 || ticketsFile.RowsDeleted != 1 {
		t.Errorf("tickets file loaded %+v, want 2 loaded and 1 deleted", ticketsFile)
	}
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT account_id FROM tickets WHERE ticket_id = '101'"); got != "ACC-1" {
		t.Errorf("ticket 101: account %s, want ACC-1 (its organization's external_id)", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM tickets WHERE ticket_id = '103'"); got != "0" {
		t.Errorf("deleted ticket 103 loaded %s times, want 0", got)
	}
	db.Close()

	// 2. The next pull continues from the stored after_cursor.
	fake.pages["MTc0Njk2NTAwMC4wfHwxMDN8"] = ticketPage{tickets: []map[string]any{ticket(base, 104, "new", "2025-05-12T09:00:00Z")}, after: "MTc0NzA1MDAwMC4wfHwxMDR8", end: true}
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"/api/v2/incremental/organizations.json?start_time=1747000000",
		"/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NTAwMC4wfHwxMDN8",
		"/api/v2/incremental/ticket_events.json?start_time=0",
	}
	if got := fake.reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("second pull's calls:\n%s\nwant the stored cursors:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	objs = pulled(t, res)
	if o := objs["zendesk/tickets"]; o.Rows != 1 || o.Since != "MTc0Njk2NTAwMC4wfHwxMDN8" || o.File != "landing/support/zendesk/tickets/run-000002.jsonl" {
		t.Errorf("second pull's tickets %+v, want only ticket 104", o)
	}
	if o := objs["zendesk/organizations"]; o.Rows != 0 || o.File != "" {
		t.Errorf("second pull's organizations %+v, want none: organization 501, listed again at the end_time it set, is skipped", o)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) FROM tickets WHERE ticket_id IN ('101', '102', '104')"); got != "3" {
		t.Errorf("got %s of tickets 101, 102 and 104, want 3", got)
	}
	db.Close()

	// 3. The page after ticket 105 keeps failing: the pull fails, ticket 105
	// is landed and the cursor is its page's.
	fake.pages["MTc0NzA1MDAwMC4wfHwxMDR8"] = ticketPage{tickets: []map[string]any{ticket(base, 105, "open", "2025-05-13T09:00:00Z")}, after: "MTc0NzEwMDAwMC4wfHwxMDV8", end: false}
	fake.fail["/api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8"] = failure{status: http.StatusServiceUnavailable, times: -1}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull support: zendesk/tickets: GET /api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8: 503 InternalError: Something went wrong") {
		t.Fatalf("got %v, want the tickets' 503", err)
	}
	if n := strings.Count(strings.Join(fake.reset(), "\n"), "cursor=MTc0NzEwMDAwMC4wfHwxMDV8"); n != 3 {
		t.Errorf("%d calls of the failing page, want 3 (two retries)", n)
	}
	if _, err := os.Stat(filepath.Join(string(data), "landing/support/zendesk/tickets/run-000003.jsonl")); err != nil {
		t.Errorf("ticket 105 not landed: %v", err)
	}
	var cursors map[string]map[string]any
	if err := etl.LoadCursors(data.Cursors("support"), &cursors); err != nil {
		t.Fatal(err)
	}
	if got := cursors["zendesk/tickets"]["after_cursor"]; got != "MTc0NzEwMDAwMC4wfHwxMDV8" {
		t.Errorf("tickets cursor %v, want the last page landed", got)
	}
	delete(fake.fail, "/api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8")
	fake.pages["MTc0NzEwMDAwMC4wfHwxMDV8"] = ticketPage{tickets: []map[string]any{}, after: "MTc0NzEwMDAwMC4wfHwxMDV8", end: true}
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got := fake.reset(); len(got) != 3 || !strings.HasSuffix(got[1], "cursor=MTc0NzEwMDAwMC4wfHwxMDV8") {
		t.Errorf("resumed pull's calls %v, want the tickets from the kept cursor", got)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT count(*) FROM tickets WHERE ticket_id = '105'"); got != "1" {
		t.Errorf("ticket 105 loaded %s times, want 1", got)
	}
	db.Close()

	// 4. A refused token.
	const wrong = "zd-revoked-token-93be"
	t.Setenv("TEST_ZENDESK_TOKEN", wrong)
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "401 Zendesk refused the email and API token") || !strings.Contains(err.Error(), "Couldn't authenticate you") {
		t.Errorf("got %v, want Zendesk's 401", err)
	}
	if n := len(fake.reset()); n != 1 {
		t.Errorf("%d calls, want 1: a 401 is not retried", n)
	}
	b, _ = os.ReadFile(data.RunLog())
	for _, secret := range []string{token, wrong} {
		if err != nil && strings.Contains(err.Error(), secret) {
			t.Errorf("the error holds the token: %v", err)
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("the run log holds the token")
		}
	}
}

// pulled are the objects a run's pull read, by object.
func pulled(t *testing.T, res *etl.Result) map[string]etl.PullObject {
	t.Helper()
	out := map[string]etl.PullObject{}
	for _, p := range res.Pulls {
		if p.Kind != "zendesk" || p.Source != "support" {
			t.Errorf("pull report %s of kind %s", p.Source, p.Kind)
		}
		for _, o := range p.Objects {
			out[o.Object] = o
		}
	}
	return out
}
