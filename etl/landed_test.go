package etl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// zdTicket is a Zendesk ticket as the API lists it, one JSON line.
func zdTicket(id, status, priority, subject string) string {
	return `{"id": ` + id + `, "organization_id": 501, "created_at": "2022-05-01T10:00:00Z", "updated_at": "2022-05-02T10:00:00Z", "status": "` + status +
		`", "priority": "` + priority + `", "type": "question", "subject": "` + subject + `", "tags": ["question"]}` + "\n"
}

const zdOrganization = `{"id": 501, "name": "Northwind Analytics", "external_id": "ACC-1"}` + "\n"

// TestLandedRecordChanged lands records again that changed between two
// pulls, as an API lists them: the same id, no sync time. The second run
// loads each record's latest landing (the later file, then the later row
// of one file) and counts the earlier ones skipped, superseded; the
// organization landed again unchanged is one record too, and two tickets
// without an id are none: both are quarantined.
func TestLandedRecordChanged(t *testing.T) {
	data := wh.Dir(t.TempDir())
	src := &fileSource{name: "helpdesk", objects: map[string]string{
		"organizations": zdOrganization,
		"tickets":       zdTicket("7001", "open", "normal", "Export times out") + zdTicket("7002", "open", "low", "Login page slow"),
	}}
	pull := func(o *Options) { o.Pullers = []Puller{src} }
	mustRun(t, "testdata/good", data, pull)
	src.objects["tickets"] = zdTicket("7001", "solved", "urgent", "Export times out") +
		zdTicket("7003", "new", "normal", "Invoice PDF blank") + zdTicket("7003", "open", "high", "Invoice PDF blank for EUR") +
		zdTicket("null", "open", "normal", "No id") + zdTicket("null", "open", "normal", "No id either")
	res := mustRun(t, "testdata/good", data, pull)
	if res.Status != runlog.Success {
		t.Fatalf("second run: %s, want success", res.Status)
	}
	counts := func(path string) [5]int64 {
		for _, f := range res.Files {
			if f.Path == path {
				return [5]int64{f.RowsRead, f.RowsLoaded, f.RowsEnrichment, f.RowsSkipped, f.RowsQuarantined}
			}
		}
		t.Fatalf("no result for %s", path)
		return [5]int64{}
	}
	want := map[string][5]int64{ // read, loaded, enrichment, skipped, quarantined
		"tickets/run-000001.jsonl":       {2, 1, 0, 1, 0}, // 7001 superseded, 7002 loads
		"tickets/run-000002.jsonl":       {5, 2, 0, 1, 2}, // 7001, the later 7003; two without an id, no versions of each other
		"organizations/run-000001.jsonl": {1, 0, 0, 1, 0},
		"organizations/run-000002.jsonl": {1, 0, 1, 0, 0},
	}
	for p, w := range want {
		if got := counts("landing/helpdesk/zendesk/" + p); got != w {
			t.Errorf("%s: read, loaded, enrichment, skipped, quarantined = %v, want %v", p, got, w)
		}
	}
	for _, er := range res.Entities {
		if er.Entity == "tickets" && (er.RowsLoaded != 3 || er.RowsQuarantined != 2) {
			t.Errorf("tickets: %+v, want 3 loaded (7001, 7002, 7003), 2 quarantined (no id)", er)
		}
	}
	db := fixture.OpenPublished(t, data)
	defer db.Close()
	got := fixture.Value(t, db, `SELECT string_agg(ticket_id || ' ' || priority || ' ' || (resolved_at IS NOT NULL) || ' ' || subject || ' ' || _source_file, '; ' ORDER BY ticket_id)
FROM tickets WHERE ticket_id LIKE '700%'`)
	wantTickets := strings.Join([]string{
		"7001 urgent true Export times out landing/helpdesk/zendesk/tickets/run-000002.jsonl",
		"7002 low false Login page slow landing/helpdesk/zendesk/tickets/run-000001.jsonl",
		"7003 high false Invoice PDF blank for EUR landing/helpdesk/zendesk/tickets/run-000002.jsonl",
	}, "; ")
	if got != wantTickets {
		t.Errorf("tickets:\n%s\nwant each one's latest landing:\n%s", got, wantTickets)
	}
}

// TestExportedDuplicateQuarantined checks that a ticket held by two
// exported files (a split export) is no version of the other: the later
// file's row loads, and the earlier one is quarantined naming it, as any
// entity's duplicate key is; the rows of the ticket are not repeated.
func TestExportedDuplicateQuarantined(t *testing.T) {
	source := fixture.CopySource(t, "testdata/good")
	fixture.WriteFile(t, filepath.Join(source, "zendesk/organizations.jsonl"), zdOrganization)
	fixture.WriteFile(t, filepath.Join(source, "zendesk/tickets/part-1.jsonl"), zdTicket("7001", "open", "normal", "Export times out")+zdTicket("7002", "open", "low", "Login page slow"))
	fixture.WriteFile(t, filepath.Join(source, "zendesk/tickets/part-2.jsonl"), zdTicket("7001", "solved", "urgent", "Export times out"))
	data := wh.Dir(t.TempDir())
	res := mustRun(t, source, data)
	for _, f := range res.Files {
		if strings.HasPrefix(f.Path, "zendesk/tickets/") && f.RowsRead != f.RowsLoaded+f.RowsQuarantined {
			t.Errorf("%s: read %d, loaded %d, quarantined %d", f.Path, f.RowsRead, f.RowsLoaded, f.RowsQuarantined)
		}
	}
	db := fixture.OpenPublished(t, data)
	defer db.Close()
	if got := fixture.Value(t, db, "SELECT string_agg(ticket_id || ' ' || priority, ', ' ORDER BY ticket_id) FROM tickets WHERE ticket_id LIKE '700%'"); got != "7001 urgent, 7002 low" {
		t.Errorf("tickets %s, want 7001 from part-2 and 7002", got)
	}
	got := fixture.Value(t, db, "SELECT string_agg(source_file || ' row ' || row_number || ': ' || reason, '; ') FROM quarantine")
	if want := "zendesk/tickets/part-1.jsonl row 1: ticket_id: duplicate key, superseded by zendesk/tickets/part-2.jsonl row 1"; got != want {
		t.Errorf("quarantine: %s, want %s", got, want)
	}
}
