package hubspot_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestCustomFields checks that a custom field vendors.fields maps for a
// HubSpot object is asked for as a property of that object alone (the API
// returns only the properties asked for), and loads into its column.
func TestCustomFields(t *testing.T) {
	fake := hubspotfake.New(t)
	smallCompany(fake)
	deal := fake.Records("deals")[0]
	deal.Props["discount_reason"] = "multi-year commitment"
	fake.Put("deals", deal)
	vendors := adapters.Config{CustomFields: map[string]map[string]string{"hubspot/deals": {"discount_reason": " discount_reason "}}}
	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	src := &hubspot.Source{SourceName: "crm", Settings: hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN"}, Vendors: vendors}
	source := t.TempDir()
	fixture.WriteFile(t, filepath.Join(source, "contracts.csv"), "contract_id,account_id,deal_id,start_date,end_date,arr\nK-1,101,201,2025-07-01,2026-06-30,8000\n")
	data := wh.Dir(t.TempDir())
	res, err := etl.Run(context.Background(), etl.Options{Source: source, Data: data, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}, Vendors: vendors})
	if err != nil {
		t.Fatal(err)
	}
	noQuarantine(t, res)
	for _, c := range fake.Reset() {
		u, err := url.Parse(strings.TrimPrefix(strings.TrimPrefix(c, "GET "), "POST "))
		if err != nil || !strings.HasPrefix(c, "GET /crm/v3/objects/") {
			continue
		}
		props := strings.Split(u.Query().Get("properties"), ",")
		asked := strings.Contains(","+u.Query().Get("properties")+",", ",discount_reason,")
		if want := u.Path == "/crm/v3/objects/deals"; asked != want || len(props) < 4 {
			t.Errorf("%s: properties %v, want discount_reason asked %v", c, props, want)
		}
	}
	db := fixture.OpenPublished(t, data)
	defer db.Close()
	if got := fixture.Value(t, db, "SELECT discount_reason FROM deals WHERE deal_id = '201'"); got != "multi-year commitment" {
		t.Errorf("deal 201's discount_reason %q, want the custom property's value", got)
	}
}
