package zendesk_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/generate"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestPullCompany serves one generated company's Zendesk account from the
// fake, as the exports layout writes it (precedent generate --layout
// exports): its organizations and its tickets (deleted ones included) as
// the incremental exports list them, and its ticket audits as the ticket
// events of the same updates. With the Zendesk files taken out of the
// source folder, a pull and load gives the company that loading the whole
// folder gives: every entity's rows, the headline metrics, and the
// escalations with their times, none quarantined.
func TestPullCompany(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a company and loads it twice")
	}
	ctx := context.Background()
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	src := t.TempDir()
	if _, err := generate.Generate(ctx, generate.Options{Out: src, Scale: 0.1, Seed: 5, AsOf: asOf, Layout: "exports", Effects: generate.DefaultEffects()}); err != nil {
		t.Fatal(err)
	}
	vendors := company.LayoutVendors(t, src)
	settings := queries.DefaultSettings()
	settings.AsOf = asOf
	fromFiles := wh.Dir(t.TempDir())
	if _, err := etl.Run(ctx, etl.Options{Source: src, Data: fromFiles, DuckDB: fixture.DuckDB, Vendors: vendors, Models: &company.Models{Settings: settings}}); err != nil {
		t.Fatal(err)
	}

	fake := &fakeZendesk{fail: map[string]failure{}}
	fake.srv = httptest.NewServer(fake)
	defer fake.srv.Close()
	fake.orgs = readLines(t, filepath.Join(src, "zendesk/organizations.jsonl"))
	slices.SortStableFunc(fake.orgs, func(a, b map[string]any) int { return int(unix(a["updated_at"]) - unix(b["updated_at"])) })
	fake.pages = ticketPages(readLines(t, filepath.Join(src, "zendesk/tickets.jsonl")), 1000)
	for _, a := range readLines(t, filepath.Join(src, "zendesk/ticket_audits.jsonl")) {
		fake.events = append(fake.events, auditEvent(a))
	}
	slices.SortStableFunc(fake.events, func(a, b map[string]any) int { return int(unix(a["timestamp"]) - unix(b["timestamp"])) })
	if err := os.RemoveAll(filepath.Join(src, "zendesk")); err != nil {
		t.Fatal(err)
	}

	t.Setenv("TEST_ZENDESK_TOKEN", token)
	pull := &zendesk.Source{SourceName: "support", Settings: zendesk.Settings{BaseURL: fake.srv.URL, Email: email, TokenEnv: "TEST_ZENDESK_TOKEN"}}
	data := wh.Dir(t.TempDir())
	res, err := etl.Run(ctx, etl.Options{Source: src, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: &company.Models{Settings: settings}, Pullers: []etl.Puller{pull}})
	if err != nil {
		t.Fatal(err)
	}
	objs := pulled(t, res)
	if o := objs["zendesk/ticket_events"]; o.Rows != int64(len(fake.events)) || o.Rows == 0 {
		t.Errorf("ticket events pulled %+v, want the %d audits", o, len(fake.events))
	}
	for _, f := range res.Files {
		if f.RowsQuarantined > 0 || f.Status != etl.FileLoaded {
			t.Errorf("%s: %s, %d rows quarantined (%s)", f.Path, f.Status, f.RowsQuarantined, f.Error)
		}
	}
	got, want := fixture.OpenPublished(t, data), fixture.OpenPublished(t, fromFiles)
	defer got.Close()
	defer want.Close()
	fixture.SameCompany(t, got, want)
	const esc = "SELECT count(*) FILTER (WHERE is_escalated) || ' escalated, ' || count(escalated_at) || ' dated, at ' || coalesce(sum(epoch(escalated_at)), 0) FROM tickets"
	if g, w := fixture.Value(t, got, esc), fixture.Value(t, want, esc); g != w || strings.HasPrefix(w, "0 ") || strings.Contains(w, " 0 dated") {
		t.Errorf("pulled: %s; from files: %s", g, w)
	}
}

// readLines reads a JSON lines file's objects.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o map[string]any
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, o)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// ticketPages splits tickets into the cursor-based export's pages of per,
// each after_cursor opaque.
func ticketPages(tickets []map[string]any, per int) map[string]ticketPage {
	pages := map[string]ticketPage{}
	key := ""
	for i := 0; ; i += per {
		after := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "%d.0||%d|", 1746000000+i, i+per))
		end := i+per >= len(tickets)
		pages[key] = ticketPage{tickets: tickets[i:min(i+per, len(tickets))], after: after, end: end}
		if end {
			pages[after] = ticketPage{tickets: []map[string]any{}, after: after, end: true}
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
		children = append(children, childEvent(id*10+i, e["type"].(string), e["field_name"].(string), e["value"], e["previous_value"]))
	}
	return ticketEvent(id, int(a["ticket_id"].(float64)), unix(a["created_at"]), children...)
}
