package zendeskfake

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// ServeCompany serves the Zendesk account of a company generated with
// layout exports, src/zendesk, as the incremental exports list it: its
// organizations and its tickets (deleted ones included) as written, and
// its ticket audits as the ticket events of the same updates.
func (f *Zendesk) ServeCompany(tb testing.TB, src string) {
	tb.Helper()
	dir := filepath.Join(src, "zendesk")
	orgs := readLines(tb, filepath.Join(dir, "organizations.jsonl"))
	slices.SortStableFunc(orgs, func(a, b map[string]any) int { return int(unix(a["updated_at"]) - unix(b["updated_at"])) })
	pages := ticketPages(readLines(tb, filepath.Join(dir, "tickets.jsonl")), 1000)
	var events []map[string]any
	for _, a := range readLines(tb, filepath.Join(dir, "ticket_audits.jsonl")) {
		events = append(events, auditEvent(a))
	}
	slices.SortStableFunc(events, func(a, b map[string]any) int { return int(unix(a["timestamp"]) - unix(b["timestamp"])) })
	f.mu.Lock()
	defer f.mu.Unlock()
	f.Orgs, f.Pages, f.Events = orgs, pages, events
}

// readLines reads a JSON lines file's objects.
func readLines(tb testing.TB, path string) []map[string]any {
	tb.Helper()
	fh, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	var out []map[string]any
	sc := bufio.NewScanner(fh)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		out = append(out, o)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// ticketPages splits tickets into the cursor-based export's pages of per,
// each after_cursor opaque.
func ticketPages(tickets []map[string]any, per int) map[string]TicketPage {
	pages := map[string]TicketPage{}
	key := ""
	for i := 0; ; i += per {
		after := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%d.0||%d|", 1746000000+i, i+per))
		end := i+per >= len(tickets)
		pages[key] = TicketPage{Tickets: tickets[i:min(i+per, len(tickets))], After: after, End: end}
		if end {
			pages[after] = TicketPage{Tickets: []map[string]any{}, After: after, End: true}
			return pages
		}
		key = after
	}
}

// auditEvent is the ticket event of the update a ticket audit records:
// each audit event a child event, the field it sets named by its key.
func auditEvent(a map[string]any) map[string]any {
	id := int(a["id"].(float64))
	var children []map[string]any
	for i, e := range a["events"].([]any) {
		e := e.(map[string]any)
		children = append(children, ChildEvent(id*10+i, e["type"].(string), e["field_name"].(string), e["value"], e["previous_value"]))
	}
	return TicketEvent(id, int(a["ticket_id"].(float64)), unix(a["created_at"]), children...)
}
