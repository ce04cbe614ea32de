package netsuite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/netsuite/netsuitefake"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

// TestCompany generates a company as vendor exports, serves its NetSuite
// saved searches from the fake as SuiteQL would answer them (field ids,
// ISO dates, numbers, status codes, the customer's internal id as entity,
// custom body fields as custbody_ ids), removes them from the source
// folder, pulls and loads, and checks that the company loads as from the
// full exports folder.
func TestCompany(t *testing.T) {
	if testing.Short() {
		t.Skip("generates and loads the company twice")
	}
	ctx := context.Background()
	gen, vendors, want := company.FromLayout(t, "exports")

	f := netsuitefake.New(t)
	f.ServeCompany(t, gen)
	if len(f.Tables["customer"]) == 0 || len(f.Tables["transaction"]) == 0 || len(f.Tables["transactionline"]) == 0 {
		t.Fatalf("the exports hold %d customers, %d transactions, %d lines: nothing to compare", len(f.Tables["customer"]), len(f.Tables["transaction"]), len(f.Tables["transactionline"]))
	}
	if err := os.RemoveAll(filepath.Join(gen, "netsuite")); err != nil {
		t.Fatal(err)
	}
	// The custom body fields as SuiteQL names them.
	vendors.CustomFields["netsuite/transaction"] = map[string]string{
		"is_disputed": "custbody_disputed", "dispute_reason": "custbody_dispute_reason", "contract_id": "custbody_sf_contract_id",
	}
	s := settings(t, f)
	s.ExtraFields = map[string][]string{"transaction": {"billingschedule", "custbody_disputed", "custbody_dispute_reason", "custbody_sf_contract_id"}}
	data := wh.Dir(t.TempDir())
	res, err := etl.Run(ctx, etl.Options{Source: gen, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: company.ModelsAsOf(company.LayoutAsOf),
		Pullers: []etl.Puller{&netsuite.Source{SourceName: "erp", Settings: s}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			if o.Rows != int64(len(f.Tables[strings.TrimPrefix(o.Object, "netsuite/")])) {
				t.Errorf("%s: %d rows landed, want %d", o.Object, o.Rows, len(f.Tables[strings.TrimPrefix(o.Object, "netsuite/")]))
			}
		}
	}
	noQuarantine(t, res)
	fixture.SameCompany(t, fixture.OpenPublished(t, data), want)
}
