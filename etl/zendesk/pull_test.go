package zendesk_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/etl/zendesk/zendeskfake"
	"github.com/precedent-dev/precedent/internal/fixture"
)

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
	fake := zendeskfake.New(t)
	base := fake.URL()
	fake.Pages = map[string]zendeskfake.TicketPage{
		"":                         {Tickets: []map[string]any{ticket(base, 101, "solved", "2025-05-02T09:00:00Z"), ticket(base, 102, "open", "2025-05-10T09:00:00Z")}, After: "MTc0Njk2NDgwMC4wfHwxMDJ8", End: false},
		"MTc0Njk2NDgwMC4wfHwxMDJ8": {Tickets: []map[string]any{ticket(base, 103, "deleted", "2025-05-10T10:00:00Z")}, After: "MTc0Njk2NTAwMC4wfHwxMDN8", End: true},
	}
	fake.Fail["/api/v2/incremental/organizations.json?start_time=0"] = zendeskfake.Failure{Status: http.StatusInternalServerError, Times: 1}
	fake.Fail["/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NDgwMC4wfHwxMDJ8"] = zendeskfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1}

	t.Setenv("TEST_ZENDESK_TOKEN", zendeskfake.Token)
	settings := zendesk.Settings{BaseURL: base, Email: zendeskfake.Email, TokenEnv: "TEST_ZENDESK_TOKEN"}
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
	if got := fake.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
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
	fake.Pages["MTc0Njk2NTAwMC4wfHwxMDN8"] = zendeskfake.TicketPage{Tickets: []map[string]any{ticket(base, 104, "new", "2025-05-12T09:00:00Z")}, After: "MTc0NzA1MDAwMC4wfHwxMDR8", End: true}
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		"/api/v2/incremental/organizations.json?start_time=1747000000",
		"/api/v2/incremental/tickets/cursor.json?cursor=MTc0Njk2NTAwMC4wfHwxMDN8",
		"/api/v2/incremental/ticket_events.json?start_time=0",
	}
	if got := fake.Reset(); strings.Join(got, "\n") != strings.Join(want, "\n") {
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
	fake.Pages["MTc0NzA1MDAwMC4wfHwxMDR8"] = zendeskfake.TicketPage{Tickets: []map[string]any{ticket(base, 105, "open", "2025-05-13T09:00:00Z")}, After: "MTc0NzEwMDAwMC4wfHwxMDV8", End: false}
	fake.Fail["/api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8"] = zendeskfake.Failure{Status: http.StatusServiceUnavailable, Times: -1}
	_, err = etl.Run(ctx, opts)
	if err == nil || !strings.Contains(err.Error(), "pull support: zendesk/tickets: GET /api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8: 503 InternalError: Something went wrong") {
		t.Fatalf("got %v, want the tickets' 503", err)
	}
	if n := strings.Count(strings.Join(fake.Reset(), "\n"), "cursor=MTc0NzEwMDAwMC4wfHwxMDV8"); n != 3 {
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
	delete(fake.Fail, "/api/v2/incremental/tickets/cursor.json?cursor=MTc0NzEwMDAwMC4wfHwxMDV8")
	fake.Pages["MTc0NzEwMDAwMC4wfHwxMDV8"] = zendeskfake.TicketPage{Tickets: []map[string]any{}, After: "MTc0NzEwMDAwMC4wfHwxMDV8", End: true}
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got := fake.Reset(); len(got) != 3 || !strings.HasSuffix(got[1], "cursor=MTc0NzEwMDAwMC4wfHwxMDV8") {
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
	if n := len(fake.Reset()); n != 1 {
		t.Errorf("%d calls, want 1: a 401 is not retried", n)
	}
	b, _ = os.ReadFile(data.RunLog())
	for _, secret := range []string{zendeskfake.Token, wrong} {
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
