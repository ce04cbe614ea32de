package zendesk_test

import (
	"bufio"
	"context"
	"encoding/json"
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

// TestPullTicketEvents pulls ticket events from a fake Zendesk in pages of
// two, which the export starts again at the last event's time, and loads
// them, run by run:
//  1. four events (start_time 0, then each page's end_time; the second
//     page answered 429 with Retry-After: 1 once, the third 500 once), each
//     landed once; ticket 201's priority raised from normal to urgent
//     escalates it at that event's time, none quarantined;
//  2. the next pull continues from the stored end_time and lands only the
//     new events: ticket 202 escalated;
//  3. a page that keeps failing fails the pull: the events read before are
//     landed, and the next pull continues after them, landing each event
//     once.
func TestPullTicketEvents(t *testing.T) {
	ctx := context.Background()
	fake := zendeskfake.New(t)
	fake.PerPage = 2
	base := fake.URL()
	t201, t202 := ticket(base, 201, "open", "2025-04-30T09:00:00Z"), ticket(base, 202, "open", "2025-04-30T10:00:00Z")
	t201["priority"] = "urgent"
	fake.Pages = map[string]zendeskfake.TicketPage{
		"":                         {Tickets: []map[string]any{t201, t202}, After: "MTc0NjAwMDAwMC4wfHwyMDJ8", End: true},
		"MTc0NjAwMDAwMC4wfHwyMDJ8": {Tickets: []map[string]any{}, After: "MTc0NjAwMDAwMC4wfHwyMDJ8", End: true},
	}
	const t0 = int64(1746000000) // 2025-04-30T08:00:00Z
	fake.Events = []map[string]any{
		zendeskfake.TicketEvent(1001, 201, t0+100, zendeskfake.ChildEvent(10011, "Comment", "", nil, nil), zendeskfake.ChildEvent(10012, "Create", "priority", "normal", nil), zendeskfake.ChildEvent(10013, "Create", "status", "new", nil)),
		zendeskfake.TicketEvent(1002, 202, t0+200, zendeskfake.ChildEvent(10021, "Create", "priority", "normal", nil), zendeskfake.ChildEvent(10022, "Create", "tags", []string{"export"}, nil)),
		zendeskfake.TicketEvent(1003, 201, t0+300, zendeskfake.ChildEvent(10031, "Comment", "", nil, nil), zendeskfake.ChildEvent(10032, "Change", "priority", "urgent", "normal")),
		zendeskfake.TicketEvent(1004, 202, t0+400, zendeskfake.ChildEvent(10041, "Change", "status", "open", "new")),
	}
	fake.Fail["/api/v2/incremental/ticket_events.json?start_time=1746000200"] = zendeskfake.Failure{Status: http.StatusTooManyRequests, RetryAfter: "1", Times: 1}
	fake.Fail["/api/v2/incremental/ticket_events.json?start_time=1746000300"] = zendeskfake.Failure{Status: http.StatusInternalServerError, Times: 1}

	t.Setenv("TEST_ZENDESK_TOKEN", zendeskfake.Token)
	src := &zendesk.Source{SourceName: "support", Settings: zendesk.Settings{BaseURL: base, Email: zendeskfake.Email, TokenEnv: "TEST_ZENDESK_TOKEN"}, Retries: 2, Backoff: time.Millisecond}
	data := wh.Dir(t.TempDir())
	opts := etl.Options{Source: fixture.CopySource(t, "../testdata/good"), Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}}
	eventCalls := func() []string {
		var out []string
		for _, c := range fake.Reset() {
			if strings.Contains(c, "ticket_events") {
				out = append(out, strings.TrimPrefix(c, "/api/v2/incremental/ticket_events.json?"))
			}
		}
		return out
	}

	// 1.
	start := time.Now()
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("the run took %v: the 429's Retry-After: 1 was not waited for", d)
	}
	want := "start_time=0 start_time=1746000200 start_time=1746000200 start_time=1746000300 start_time=1746000300"
	if got := strings.Join(eventCalls(), " "); got != want {
		t.Errorf("ticket event calls %s, want %s (each page from the last one's end_time, a 429 and a 500 retried)", got, want)
	}
	if o := pulled(t, res)["zendesk/ticket_events"]; o.Rows != 4 || o.Cursor != "1746000400" || o.File != "landing/support/zendesk/ticket_events/run-000001.jsonl" {
		t.Errorf("ticket events pulled %+v, want 4 rows (each once), cursor the last end_time", o)
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "landing/") && (f.RowsQuarantined > 0 || f.Error != "") {
			t.Errorf("%s: %d rows quarantined %s", f.Path, f.RowsQuarantined, f.Error)
		}
	}
	db := fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT ticket_id || ' ' || strftime(escalated_at, '%Y-%m-%dT%H:%M:%S') FROM tickets WHERE is_escalated AND ticket_id IN ('201', '202')"); got != "201 2025-04-30T08:05:00" {
		t.Errorf("escalated: %s, want ticket 201 at its priority change (event 1003)", got)
	}
	db.Close()

	// 2. Ticket 202's priority raised to high; the page from the stored
	// end_time lists event 1004 again.
	fake.Events = append(fake.Events,
		zendeskfake.TicketEvent(1005, 202, t0+500, zendeskfake.ChildEvent(10051, "Change", "priority", "high", "normal")),
		zendeskfake.TicketEvent(1006, 202, t0+600, zendeskfake.ChildEvent(10061, "Change", "tags", []string{"export", "billing"}, []string{"export"})))
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(eventCalls(), " "), "start_time=1746000400 start_time=1746000500"; got != want {
		t.Errorf("second pull's ticket event calls %s, want %s", got, want)
	}
	db = fixture.OpenPublished(t, data)
	if got := fixture.Value(t, db, "SELECT string_agg(ticket_id, ' ' ORDER BY ticket_id) FROM tickets WHERE is_escalated AND ticket_id IN ('201', '202')"); got != "201 202" {
		t.Errorf("escalated tickets %s, want 201 202", got)
	}
	db.Close()

	// 3. The page after event 1007 keeps failing.
	fake.Events = append(fake.Events, zendeskfake.TicketEvent(1007, 201, t0+700, zendeskfake.ChildEvent(10071, "Change", "status", "solved", "open")),
		zendeskfake.TicketEvent(1008, 202, t0+800, zendeskfake.ChildEvent(10081, "Change", "status", "solved", "open")))
	fake.Fail["/api/v2/incremental/ticket_events.json?start_time=1746000700"] = zendeskfake.Failure{Status: http.StatusBadGateway, Times: -1}
	if _, err := etl.Run(ctx, opts); err == nil || !strings.Contains(err.Error(), "zendesk/ticket_events: GET /api/v2/incremental/ticket_events.json?start_time=1746000700: 502") {
		t.Fatalf("got %v, want the ticket events' 502", err)
	}
	if got, want := strings.Join(eventCalls(), " "), "start_time=1746000600 start_time=1746000700 start_time=1746000700 start_time=1746000700"; got != want {
		t.Errorf("failing pull's ticket event calls %s, want %s (two retries)", got, want)
	}
	delete(fake.Fail, "/api/v2/incremental/ticket_events.json?start_time=1746000700")
	if _, err := etl.Run(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(eventCalls(), " "), "start_time=1746000700"; got != want {
		t.Errorf("resumed pull's ticket event calls %s, want %s", got, want)
	}
	landed := map[string]int{}
	files, _ := filepath.Glob(filepath.Join(string(data), "landing/support/zendesk/ticket_events/*.jsonl"))
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev struct {
				ID json.Number `json:"id"`
			}
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			landed[ev.ID.String()]++
		}
		f.Close()
	}
	if len(landed) != 8 || len(files) != 4 {
		t.Errorf("landed events %v in %d files, want 1001 to 1008 in 4", landed, len(files))
	}
	for id, n := range landed {
		if n != 1 {
			t.Errorf("event %s landed %d times, want once", id, n)
		}
	}
}
