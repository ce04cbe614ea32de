package salesforce_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/salesforce/salesforcefake"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestCompany generates a company as vendor exports, loads it from its
// files, then serves its Salesforce Data Loader extracts from the fake org
// (typed as the REST API types values), removes them from the source
// folder, pulls and loads: the company loads to the same rows and
// headline metrics, nothing quarantined.
func TestCompany(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads a company twice")
	}
	ctx := context.Background()
	gen, vendors, want := company.FromLayout(t, "exports")

	f := salesforcefake.New(t)
	f.ClientID, f.Secret = clientID, secret
	f.PageSize = 500
	f.AddObjects("OpportunityLineItem")
	served := f.ServeCompany(t, gen)
	src := fixture.CopySource(t, gen)
	if err := os.RemoveAll(filepath.Join(src, "salesforce")); err != nil {
		t.Fatal(err)
	}
	sf, opts, data := setup(t, f)
	sf.Vendors = vendors
	sf.HTTPClient = nil
	opts.Source, opts.Vendors, opts.Models = src, vendors, company.ModelsAsOf(company.LayoutAsOf)
	res, err := etl.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	objs := pulled(t, res)
	for object, n := range served {
		if o := objs["salesforce/"+object]; o.Rows != int64(n) {
			t.Errorf("%s: %d rows pulled, want %d", object, o.Rows, n)
		}
	}
	noQuarantine(t, res)
	got := fixture.OpenPublished(t, data)
	fixture.SameCompany(t, got, want)
	// Values typed as the API types them (sbaa__ApprovalStep__c 2.0,
	// SBQQ__SubscriptionTerm__c 12.0, Auto_Renew__c true) read as from the
	// extracts; the custom fields are pulled.
	for _, q := range []string{
		"SELECT string_agg(approval_level || ':' || n, ' ' ORDER BY approval_level) FROM (SELECT approval_level, count(*) AS n FROM deals GROUP BY 1)",
		"SELECT string_agg(term_months || ':' || n, ' ' ORDER BY term_months) FROM (SELECT term_months, count(*) AS n FROM deals GROUP BY 1)",
		"SELECT count(*) || ' ' || count(discount_reason) || ' ' || count(precedent_deal_id) FROM deals",
		"SELECT count(*) FILTER (auto_renew) || ' ' || count(*) FILTER (has_side_letter) FROM contracts",
	} {
		if g, w := fixture.Value(t, got, q), fixture.Value(t, want, q); g != w {
			t.Errorf("%s: %s, want %s", q, g, w)
		}
	}
}
