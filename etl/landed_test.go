package etl

import (
	"path/filepath"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// zdTicket is a Zendesk ticket as the API lists it, one JSON line.
func zdTicket(id, status, priority, subject string) string {
	return `{"id": ` + id + `, "organization_id": 501, "created_at": "2022-05-01T10:00:00Z", "updated_at": "2022-05-02T10:00:00Z", "status": "` + status +
		`", "priority": "` + priority + `", "type": "question", "subject": "` + subject + `", "tags": ["question"]}` + "\n"
}

const zdOrganization = `{"id": 501, "name": "Northwind Analytics", "external_id": "ACC-1"}` + "\n"

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
