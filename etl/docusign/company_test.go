package docusign_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/docusign/docusignfake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestCompany generates a company in the exports layout, loads it from its
// files, then serves its DocuSign envelopes from the fake instead of the
// file (removed from the folder), pulls and loads: the company is the same
// (every entity's rows, the headline metrics, the contracts' signed dates
// and the envelopes recorded), and no envelope pulled is quarantined.
func TestCompany(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads the company twice")
	}
	ctx := context.Background()
	gen, vendors, want := company.FromLayout(t, "exports")

	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.ServeCompany(t, gen)
	if err := os.RemoveAll(filepath.Join(gen, "docusign")); err != nil {
		t.Fatal(err)
	}
	src := source(t, fake, keyPEM)
	src.PageSize, src.Settings.FromDate = 0, "2000-01-01"
	data := wh.Dir(t.TempDir())
	res, err := etl.Run(ctx, etl.Options{Source: gen, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: company.ModelsAsOf(company.LayoutAsOf), Pullers: []etl.Puller{src}})
	if err != nil {
		t.Fatal(err)
	}
	if obj := pulled(t, res); obj.Rows != int64(len(fake.Envelopes)) {
		t.Errorf("pulled %d envelopes, want the %d the company has", obj.Rows, len(fake.Envelopes))
	}
	for _, f := range res.Files {
		if f.RowsQuarantined > 0 || f.Status != etl.FileLoaded {
			t.Errorf("%s: %s, %d rows quarantined (%s)", f.Path, f.Status, f.RowsQuarantined, f.Error)
		}
	}
	got := fixture.OpenPublished(t, data)
	fixture.SameCompany(t, got, want)
	// The headline metrics do not all read signed dates: the contracts'
	// dates and the envelopes recorded must agree too.
	for _, q := range []string{
		"SELECT count(signed_date) || ' ' || sum(hash(contract_id || signed_date::VARCHAR)) FROM contracts",
		"SELECT count(*) || ' ' || sum(hash(record_id || status)) FROM vendor_records WHERE vendor = 'docusign'",
	} {
		if g, w := fixture.Value(t, got, q), fixture.Value(t, want, q); g != w {
			t.Errorf("%s: got %s, want %s", q, g, w)
		}
	}
}
