package adapters_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/generate"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestLayoutsRoundTrip writes one generated company as the contract's
// files and as each vendor layout (precedent generate --layout), loads
// each with the models and the settings the layout writes beside its
// files, and checks that every entity loads the same number of rows (the
// rows the vendor marks deleted dropped and counted as deleted) and every
// headline metric agrees within 1%.
func TestLayoutsRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads the company once per layout")
	}
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	settings := queries.DefaultSettings()
	settings.AsOf = asOf
	load := func(t *testing.T, layout string) (*etl.Result, *sql.DB) {
		t.Helper()
		src := t.TempDir()
		if _, err := generate.Generate(context.Background(), generate.Options{
			Out: src, Scale: 0.1, Seed: 5, AsOf: asOf, Layout: layout, Effects: generate.DefaultEffects(),
		}); err != nil {
			t.Fatal(err)
		}
		vendors := adapters.DefaultConfig()
		if layout != "contract" {
			vendors = company.LayoutVendors(t, src)
		}
		return run(t, src, func(o *etl.Options) {
			o.Vendors = vendors
			o.Models = &company.Models{Settings: settings}
		})
	}
	_, want := load(t, "contract")
	wantMetrics := fixture.Headline(t, want)
	for _, l := range generate.Layouts {
		t.Run(l.Name, func(t *testing.T) {
			res, db := load(t, l.Name)
			fixture.SameCompany(t, db, want)
			deleted := map[string]int64{}
			for _, f := range res.Files {
				if f.RowsQuarantined > 0 || f.Status != etl.FileLoaded {
					t.Errorf("%s: %s, %d rows quarantined (%s)", f.Path, f.Status, f.RowsQuarantined, f.Error)
				}
				deleted[f.Path] += f.RowsDeleted
			}
			for _, path := range deletedIn[l.Name] {
				if deleted[path] == 0 {
					t.Errorf("%s: no row counted as deleted; the layout writes deleted rows there", path)
				}
			}
		})
	}
	for _, metric := range []string{"arr_at_risk_90d", "shared_config_dispute_ratio", "billing_leakage_pct", "precedent_anchor_rate", "scope_escalation_rate_ratio"} {
		if v := wantMetrics[metric]; !v.Valid || v.Float64 == 0 {
			t.Errorf("%s is %v in the contract load: the comparison would not test it; choose a larger company", metric, v)
		}
	}
}

// deletedIn lists, per layout, the files that hold rows the vendor marks
// deleted.
var deletedIn = map[string][]string{
	"exports":   {"zendesk/tickets.jsonl"},
	"connector": {"salesforce/opportunity.csv", "zendesk/ticket.csv"},
	"airbyte":   {"salesforce/Opportunity.csv", "stripe/customers.csv", "zendesk/tickets.csv"},
}
