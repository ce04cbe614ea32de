package zendesk_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/etl/zendesk/zendeskfake"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
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
	src, vendors, want := company.FromLayout(t, "exports")

	fake := zendeskfake.New(t)
	fake.ServeCompany(t, src)
	if err := os.RemoveAll(filepath.Join(src, "zendesk")); err != nil {
		t.Fatal(err)
	}

	t.Setenv("TEST_ZENDESK_TOKEN", zendeskfake.Token)
	pull := &zendesk.Source{SourceName: "support", Settings: zendesk.Settings{BaseURL: fake.URL(), Email: zendeskfake.Email, TokenEnv: "TEST_ZENDESK_TOKEN"}}
	data := wh.Dir(t.TempDir())
	res, err := etl.Run(ctx, etl.Options{Source: src, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: company.ModelsAsOf(company.LayoutAsOf), Pullers: []etl.Puller{pull}})
	if err != nil {
		t.Fatal(err)
	}
	objs := pulled(t, res)
	if o := objs["zendesk/ticket_events"]; o.Rows != int64(len(fake.Events)) || o.Rows == 0 {
		t.Errorf("ticket events pulled %+v, want the %d audits", o, len(fake.Events))
	}
	for _, f := range res.Files {
		if f.RowsQuarantined > 0 || f.Status != etl.FileLoaded {
			t.Errorf("%s: %s, %d rows quarantined (%s)", f.Path, f.Status, f.RowsQuarantined, f.Error)
		}
	}
	got := fixture.OpenPublished(t, data)
	defer got.Close()
	defer want.Close()
	fixture.SameCompany(t, got, want)
	const esc = "SELECT count(*) FILTER (WHERE is_escalated) || ' escalated, ' || count(escalated_at) || ' dated, at ' || coalesce(sum(epoch(escalated_at)), 0) FROM tickets"
	if g, w := fixture.Value(t, got, esc), fixture.Value(t, want, esc); g != w || strings.HasPrefix(w, "0 ") || strings.Contains(w, " 0 dated") {
		t.Errorf("pulled: %s; from files: %s", g, w)
	}
}
