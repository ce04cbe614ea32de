package netsuite_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/etl/generate"
	"github.com/precedent-dev/precedent/etl/netsuite"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
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
	asOf := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	models := queries.DefaultSettings()
	models.AsOf = asOf
	gen := t.TempDir()
	if _, err := generate.Generate(ctx, generate.Options{Out: gen, Scale: 0.1, Seed: 5, AsOf: asOf, Layout: "exports", Effects: generate.DefaultEffects()}); err != nil {
		t.Fatal(err)
	}
	vendors := layoutVendors(t, filepath.Join(gen, generate.LayoutConfig))
	fromFiles := wh.Dir(t.TempDir())
	if _, err := etl.Run(ctx, etl.Options{Source: gen, Data: fromFiles, DuckDB: fixture.DuckDB, Vendors: vendors, Models: &company.Models{Settings: models}}); err != nil {
		t.Fatal(err)
	}
	want := fixture.OpenPublished(t, fromFiles)

	f := newFake()
	defer f.srv.Close()
	serveExports(t, f, filepath.Join(gen, "netsuite"))
	if len(f.tables["customer"]) == 0 || len(f.tables["transaction"]) == 0 || len(f.tables["transactionline"]) == 0 {
		t.Fatalf("the exports hold %d customers, %d transactions, %d lines: nothing to compare", len(f.tables["customer"]), len(f.tables["transaction"]), len(f.tables["transactionline"]))
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
	res, err := etl.Run(ctx, etl.Options{Source: gen, Data: data, DuckDB: fixture.DuckDB, Vendors: vendors, Models: &company.Models{Settings: models},
		Pullers: []etl.Puller{&netsuite.Source{SourceName: "erp", Settings: s}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			if o.Rows != int64(len(f.tables[strings.TrimPrefix(o.Object, "netsuite/")])) {
				t.Errorf("%s: %d rows landed, want %d", o.Object, o.Rows, len(f.tables[strings.TrimPrefix(o.Object, "netsuite/")]))
			}
		}
	}
	noQuarantine(t, res)
	fixture.SameCompany(t, fixture.OpenPublished(t, data), want)
}

// serveExports turns the exports layout's saved searches into SuiteQL rows.
func serveExports(t *testing.T, f *fakeNetSuite, dir string) {
	t.Helper()
	customers := readCSV(t, filepath.Join(dir, "customer.csv"))
	byEntity := map[string]string{}
	for _, c := range customers {
		byEntity[c["ID"]] = c["Internal ID"]
		f.tables["customer"] = append(f.tables["customer"], row{
			"id": c["Internal ID"], "entityid": c["ID"], "companyname": nullable(c["Company Name"]),
			"externalid": nullable(c["External ID"]), "lastmodifieddate": "2026-06-01 00:00:00",
		})
	}
	txs := readCSV(t, filepath.Join(dir, "transaction.csv"))
	byTranID, modified := map[string]string{}, map[string]string{}
	for i, tx := range txs {
		byTranID[tx["Document Number"]] = tx["Internal ID"]
		modified[tx["Internal ID"]] = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.DateTime)
	}
	for _, tx := range txs {
		typ := map[string]string{"Invoice": "CustInvc", "Credit Memo": "CustCred"}[tx["Type"]]
		status := map[string]string{"Open": "A", "Paid In Full": "B", "Voided": "V", "Fully Applied": "B"}[tx["Status"]]
		if status == "" {
			status = tx["Status"]
		}
		r := row{
			"id": tx["Internal ID"], "type": typ, "tranid": tx["Document Number"],
			"trandate": iso(t, tx["Date"]), "duedate": iso(t, tx["Due Date"]), "closedate": iso(t, tx["Date Closed"]),
			"startdate": iso(t, tx["Start Date"]), "enddate": iso(t, tx["End Date"]),
			"entity": byEntity[strings.Fields(tx["Name"])[0]], "currency": tx["Currency"], "status": status,
			"foreigntotal": amount(t, tx["Amount (Foreign Currency)"]), "memo": nullable(tx["Memo"]),
			"billingschedule": nullable(tx["Billing Schedule"]), "custbody_disputed": map[string]string{"Yes": "T", "No": "F"}[tx["Disputed"]],
			"custbody_dispute_reason": nullable(tx["Dispute Reason"]), "custbody_sf_contract_id": nullable(tx["Salesforce Contract ID"]),
			"lastmodifieddate": modified[tx["Internal ID"]],
		}
		if applied := tx["Applied To Transaction"]; applied != "" {
			r["appliedtotransaction"] = byTranID[applied]
		}
		f.tables["transaction"] = append(f.tables["transaction"], r)
	}
	for _, l := range readCSV(t, filepath.Join(dir, "transactionline.csv")) {
		seq, _ := strconv.Atoi(l["Line Sequence Number"])
		f.tables["transactionline"] = append(f.tables["transactionline"], row{
			"transaction": l["Internal ID"], "linesequencenumber": seq, "item": nullable(l["Item"]), "memo": nullable(l["Memo"]),
			"quantity": amount(t, l["Quantity"]), "rate": amount(t, l["Item Rate"]), "foreignamount": amount(t, l["Amount"]),
			"lastmodifieddate": modified[l["Internal ID"]],
		})
	}
}

func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[strings.TrimPrefix(h, "\ufeff")] = rec[i]
		}
		out = append(out, m)
	}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// iso is a saved search's M/D/YYYY date as TO_CHAR(..., 'YYYY-MM-DD') writes it.
func iso(t *testing.T, s string) any {
	if s == "" {
		return nil
	}
	d, err := time.Parse("1/2/2006", s)
	if err != nil {
		t.Fatalf("date %q: %v", s, err)
	}
	return d.Format(time.DateOnly)
}

// amount is a saved search's 1,234.56 or (1,234.56) as SuiteQL's number.
func amount(t *testing.T, s string) any {
	if s == "" {
		return nil
	}
	neg := strings.HasPrefix(s, "(")
	v, err := strconv.ParseFloat(strings.NewReplacer(",", "", "(", "", ")", "").Replace(s), 64)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	if neg {
		v = -v
	}
	return v
}

// layoutVendors reads the vendors settings the layout writes beside its files.
func layoutVendors(t *testing.T, path string) adapters.Config {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Vendors adapters.Config `yaml:"vendors"`
	}
	if err := yaml.Unmarshal(b, &cfg); err != nil {
		t.Fatal(fmt.Errorf("%s: %w", path, err))
	}
	return cfg.Vendors.WithDefaults()
}
