package zendesk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/etl/zendesk/zendeskfake"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestPullChangedTicket pulls a ticket that changed between two pulls, so
// that it is landed twice with the same id and no sync time, and a ticket
// deleted with ticket events of its own:
//  1. tickets 301 (normal, open), 302 and 303 (deleted, as the export lists
//     a deleted ticket), and ticket events of 301 and 303; the events of
//     the deleted ticket 303 are counted deleted, none quarantined;
//  2. the next pull lands ticket 301 again, solved with priority urgent,
//     and ticket 302 deleted since, with an event of each: the second run
//     loads 301's latest landing, counts its first one skipped
//     (superseded), and counts 302's first landing skipped and its
//     deletion and event deleted; every row of the landed files has its
//     one outcome.
func TestPullChangedTicket(t *testing.T) {
	ctx := context.Background()
	fake := zendeskfake.New(t)
	base := fake.URL()
	const t0 = int64(1746000000) // 2025-04-30T08:00:00Z
	fake.Pages = map[string]zendeskfake.TicketPage{
		"": {Tickets: []map[string]any{ticket(base, 301, "open", "2025-04-30T09:00:00Z"), ticket(base, 302, "open", "2025-04-30T10:00:00Z"),
			ticket(base, 303, "deleted", "2025-04-30T11:00:00Z")}, After: "MTc0NjAwMDAwMC4wfHwzMDN8", End: true},
	}
	fake.Events = []map[string]any{
		zendeskfake.TicketEvent(3001, 301, t0+100, zendeskfake.ChildEvent(30011, "Create", "priority", "normal", nil)),
		zendeskfake.TicketEvent(3002, 303, t0+200, zendeskfake.ChildEvent(30021, "Create", "priority", "normal", nil)),
		zendeskfake.TicketEvent(3003, 303, t0+300, zendeskfake.ChildEvent(30031, "Change", "status", "deleted", "open")),
	}
	t.Setenv("TEST_ZENDESK_TOKEN", zendeskfake.Token)
	src := &zendesk.Source{SourceName: "support", Settings: zendesk.Settings{BaseURL: base, Email: zendeskfake.Email, TokenEnv: "TEST_ZENDESK_TOKEN"}, Retries: 2, Backoff: time.Millisecond}
	data := wh.Dir(t.TempDir())
	opts := etl.Options{Source: fixture.CopySource(t, "../testdata/good"), Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}}

	// 1.
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	files := landedFiles(res)
	if f := files["tickets/run-000001.jsonl"]; f.RowsLoaded != 2 || f.RowsDeleted != 1 {
		t.Errorf("first tickets file %+v, want 2 loaded, 1 deleted", f)
	}
	if f := files["ticket_events/run-000001.jsonl"]; f.RowsEnrichment != 1 || f.RowsDeleted != 2 || f.RowsQuarantined != 0 {
		t.Errorf("first ticket events file %+v, want 1 enrichment, 2 deleted (ticket 303's), none quarantined", f)
	}

	// 2.
	t301, t302 := ticket(base, 301, "solved", "2025-04-30T09:00:00Z"), ticket(base, 302, "deleted", "2025-04-30T10:00:00Z")
	t301["priority"], t301["updated_at"] = "urgent", "2025-05-12T12:00:00Z"
	fake.Pages["MTc0NjAwMDAwMC4wfHwzMDN8"] = zendeskfake.TicketPage{Tickets: []map[string]any{t301, t302}, After: "MTc0NzA1MDAwMC4wfHwzMDJ8", End: true}
	fake.Events = append(fake.Events,
		zendeskfake.TicketEvent(3004, 301, t0+400, zendeskfake.ChildEvent(30041, "Change", "priority", "urgent", "normal"), zendeskfake.ChildEvent(30042, "Change", "status", "solved", "open")),
		zendeskfake.TicketEvent(3005, 302, t0+500, zendeskfake.ChildEvent(30051, "Change", "status", "deleted", "open")))
	res, err = etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	files = landedFiles(res)
	if f := files["tickets/run-000001.jsonl"]; f.RowsSkipped != 2 || f.RowsDeleted != 1 || f.RowsLoaded != 0 || f.RowsQuarantined != 0 {
		t.Errorf("first tickets file %+v, want 2 skipped (301 and 302, superseded), 1 deleted (303)", f)
	}
	if f := files["tickets/run-000002.jsonl"]; f.RowsLoaded != 1 || f.RowsDeleted != 1 || f.RowsQuarantined != 0 {
		t.Errorf("second tickets file %+v, want 1 loaded (301), 1 deleted (302)", f)
	}
	if f := files["ticket_events/run-000002.jsonl"]; f.RowsEnrichment != 1 || f.RowsDeleted != 1 || f.RowsQuarantined != 0 {
		t.Errorf("second ticket events file %+v, want 1 enrichment (301's), 1 deleted (302's)", f)
	}
	for _, er := range res.Entities {
		if er.Entity == "tickets" && (er.RowsQuarantined != 0 || er.RowsRead != er.RowsLoaded) {
			t.Errorf("tickets: %+v, want every row handed to the entity loaded", er)
		}
	}
	db := fixture.OpenPublished(t, data)
	defer db.Close()
	got := fixture.Value(t, db, "SELECT priority || ' ' || (resolved_at IS NOT NULL) || ' ' || is_escalated || ' ' || _run_id FROM tickets WHERE ticket_id = '301'")
	if got != "urgent true true 2" {
		t.Errorf("ticket 301: priority, resolved, escalated, run %s, want its latest landing's: urgent true true 2", got)
	}
	if got := fixture.Value(t, db, "SELECT count(*) FROM quarantine WHERE source_file LIKE 'landing/%'"); got != "0" {
		t.Errorf("%s landed rows quarantined, want none", got)
	}
}

// landedFiles are a run's results of the landed Zendesk files, by their
// path under landing/support/zendesk/.
func landedFiles(res *etl.Result) map[string]etl.FileResult {
	out := map[string]etl.FileResult{}
	for _, f := range res.Files {
		if p, ok := strings.CutPrefix(f.Path, "landing/support/zendesk/"); ok {
			out[p] = f
		}
	}
	return out
}
