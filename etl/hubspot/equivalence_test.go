package hubspot_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestSameAsExports builds a small HubSpot account (no generator layout
// writes HubSpot), writes it as the CSV exports the adapters read (one per
// object, headed by the property names, as etl/adapters/testdata/crm_erp/
// hubspot holds them) and serves it from the fake API; loaded each way,
// every entity must hold the same rows and the models the same headline
// metrics. (On a company this small the renewal slope has fewer pairs
// than parameters: its standard error is null, not the square root of a
// negative number, which failed the models.)
func TestSameAsExports(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the company twice")
	}
	ctx := context.Background()
	fake := hubspotfake.New(t)
	smallCompany(fake)
	contracts := "contract_id,account_id,deal_id,start_date,end_date,arr\nK-1,101,201,2025-07-01,2026-06-30,8000\n"

	exports := t.TempDir()
	fixture.WriteFile(t, filepath.Join(exports, "contracts.csv"), contracts)
	writeExports(t, fake, filepath.Join(exports, "hubspot"))
	fromFiles := wh.Dir(t.TempDir())
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	res, err := etl.Run(ctx, etl.Options{Source: exports, Data: fromFiles, DuckDB: fixture.DuckDB, Models: company.ModelsAsOf(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	noQuarantine(t, res)

	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	src := &hubspot.Source{SourceName: "crm", Settings: hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN"}}
	pulledSrc := t.TempDir()
	fixture.WriteFile(t, filepath.Join(pulledSrc, "contracts.csv"), contracts)
	fromAPI := wh.Dir(t.TempDir())
	res, err = etl.Run(ctx, etl.Options{Source: pulledSrc, Data: fromAPI, DuckDB: fixture.DuckDB, Pullers: []etl.Puller{src}, Models: company.ModelsAsOf(asOf)})
	if err != nil {
		t.Fatal(err)
	}
	noQuarantine(t, res)
	got, want := fixture.OpenPublished(t, fromAPI), fixture.OpenPublished(t, fromFiles)
	fixture.SameCompany(t, got, want)
	for _, e := range contract.Entities {
		var cols []string
		for _, c := range e.Columns {
			cols = append(cols, wh.Ident(c.Name))
		}
		q := "SELECT count(*) || ' ' || coalesce(sum(hash(" + strings.Join(cols, ", ") + ") % 1000000007), 0) FROM " + e.Name
		if g, w := fixture.Value(t, got, q), fixture.Value(t, want, q); g != w {
			t.Errorf("%s: rows and checksum %s, want %s", e.Name, g, w)
		}
	}
	if n := fixture.Value(t, want, "SELECT count(*) FROM accounts"); n != "150" {
		t.Errorf("%s accounts from the exports, want 150", n)
	}
}

// writeExports writes the fake's records as HubSpot CSV exports.
func writeExports(t *testing.T, f *hubspotfake.HubSpot, dir string) {
	t.Helper()
	first := func(from, to, id string) string {
		if ids := f.Links(from, to)[id]; len(ids) > 0 {
			return ids[0]
		}
		return ""
	}
	files := map[string][][]string{
		"companies":   {{"hs_object_id", "name", "numberofemployees", "country", "industry", "createdate"}},
		"deals":       {{"hs_object_id", "associatedcompanyid", "hubspot_owner_id", "amount", "closedate", "createdate", "dealstage", "pipeline", "dealtype", "deal_currency_code"}},
		"line_items":  {{"hs_object_id", "deal_id", "hs_sku", "name", "quantity", "price", "amount"}},
		"tickets":     {{"hs_object_id", "associatedcompanyid", "subject", "hs_ticket_category", "hs_ticket_priority", "createdate"}},
		"ticket_deal": {{"ticket_id", "deal_id"}},
	}
	for typ, header := range files {
		for _, r := range f.Records(typ) {
			row := []string{r.ID}
			for _, k := range header[0][1:] {
				switch k {
				case "createdate":
					row = append(row, r.Created.Format("2006-01-02T15:04:05.000Z"))
				case "associatedcompanyid":
					row = append(row, first(typ, "companies", r.ID))
				case "deal_id":
					row = append(row, first(typ, "deals", r.ID))
				default:
					row = append(row, r.Props[k])
				}
			}
			files[typ] = append(files[typ], row)
		}
	}
	for id, deals := range f.Links("tickets", "deals") {
		for _, d := range deals {
			files["ticket_deal"] = append(files["ticket_deal"], []string{id, d})
		}
	}
	for name, rows := range files {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		h, err := os.Create(filepath.Join(dir, name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(h)
		w.WriteAll(rows)
		if err := h.Close(); err != nil || w.Error() != nil {
			t.Fatal(err, w.Error())
		}
	}
}
