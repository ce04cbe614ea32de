package adapters_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestRowAccounting checks that every row of every vendor file ends in
// exactly one outcome, file by file, and that the entity counts still add
// up.
func TestRowAccounting(t *testing.T) {
	res, db := mixed(t)
	if res.Status != runlog.Success {
		t.Errorf("status %s, want success", res.Status)
	}
	want := map[string][7]int64{ // read, loaded, quarantined, enrichment, recorded, deleted, skipped
		"account_xref.csv":                   {2, 0, 0, 2, 0, 0, 0},
		"docusign/envelopes.csv":             {6, 0, 1, 3, 2, 0, 0},
		"salesforce/Account.csv":             {2, 2, 0, 0, 0, 0, 0},
		"salesforce/Contract.csv":            {4, 3, 0, 0, 0, 0, 1},
		"salesforce/Opportunity.csv":         {4, 4, 0, 0, 0, 0, 0},
		"salesforce/OpportunityLineItem.csv": {3, 2, 0, 0, 0, 0, 1},
		"salesforce/SBQQ__QuoteLine__c.csv":  {3, 2, 1, 0, 0, 0, 0},
		"salesforce/User.csv":                {2, 2, 0, 0, 0, 0, 0},
		"salesforce/sbaa__Approval__c.csv":   {4, 0, 1, 3, 0, 0, 0},
		"stripe/credit_notes.csv":            {2, 1, 0, 0, 0, 0, 1},
		"stripe/customers.csv":               {3, 0, 1, 2, 0, 0, 0},
		"stripe/disputes.csv":                {2, 0, 0, 1, 1, 0, 0},
		"stripe/invoice_line_items.csv":      {3, 3, 0, 0, 0, 0, 0},
		"stripe/invoices.jsonl":              {6, 4, 2, 0, 0, 0, 0},
		"stripe/subscriptions.csv":           {2, 0, 1, 1, 0, 0, 0},
		"tickets.csv":                        {4, 3, 1, 0, 0, 0, 0},
		"zendesk/organizations.csv":          {3, 0, 1, 2, 0, 0, 0},
		"zendesk/ticket_field_history.csv":   {7, 0, 1, 6, 0, 0, 0},
	}
	if len(res.Files) != len(want) {
		t.Errorf("%d files in the result, want %d", len(res.Files), len(want))
	}
	var quarantined int64
	for path, w := range want {
		f := fileResult(t, res, path)
		got := [7]int64{f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.RowsEnrichment, f.RowsRecorded, f.RowsDeleted, f.RowsSkipped}
		if got != w {
			t.Errorf("%s: read, loaded, quarantined, enrichment, recorded, deleted, skipped = %v, want %v", path, got, w)
		}
		if f.RowsRead != f.RowsLoaded+f.RowsQuarantined+f.RowsEnrichment+f.RowsRecorded+f.RowsDeleted+f.RowsSkipped {
			t.Errorf("%s: outcomes do not add up to rows read", path)
		}
		if f.Vendor == "" || f.Object == "" || f.DetectedBy == "" {
			t.Errorf("%s: vendor %q object %q detected by %q", path, f.Vendor, f.Object, f.DetectedBy)
		}
		quarantined += f.RowsQuarantined
	}
	// Each quarantined vendor row is in the quarantine, naming its file, row and field.
	if got := fixture.Value(t, db, "SELECT count(DISTINCT (source_file, row_number)) FROM quarantine WHERE column_name IS NOT NULL AND column_name <> ''"); got != "10" || quarantined != 10 {
		t.Errorf("quarantined rows with a field: %s, counted %d, want 10", got, quarantined)
	}
	for _, e := range res.Entities {
		if e.RowsRead != e.RowsLoaded+e.RowsQuarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", e.Entity, e.RowsRead, e.RowsLoaded, e.RowsQuarantined)
		}
	}
	if got := fixture.Value(t, db, "SELECT string_agg(entity || ':' || rows_read, ',' ORDER BY entity) FROM etl_files WHERE entity LIKE 'salesforce/%'"); got !=
		"salesforce/Account:2,salesforce/Contract:4,salesforce/Opportunity:4,salesforce/OpportunityLineItem:3,salesforce/SBQQ__QuoteLine__c:3,salesforce/User:2,salesforce/sbaa__Approval__c:4" {
		t.Errorf("etl_files: %s", got)
	}
	if got := fixture.Value(t, db, "SELECT files->0->>'rows_enrichment' FROM etl_runs"); got != "2" {
		t.Errorf("etl_runs.files keeps the vendor counts: got %s", got)
	}
}

// TestIdentityNeverGuessed checks that records of other systems belong to
// an account only through a carried id or account_xref.csv, and that the
// unmatched ones are quarantined with that reason.
func TestIdentityNeverGuessed(t *testing.T) {
	_, db := mixed(t)
	tests := []struct{ file, row, want string }{
		{"stripe/customers.csv", "3", "id | no account for Stripe customer cus_X: it has no metadata salesforce_account_id and account_xref.csv has no row (stripe, cus_X)"},
		{"stripe/invoices.jsonl", "5", "customer | no account for Stripe customer cus_X: neither the invoice nor the customer has metadata salesforce_account_id and account_xref.csv has no row (stripe, cus_X)"},
		{"stripe/subscriptions.csv", "2", "customer | no account for Stripe customer cus_X: it has no metadata salesforce_account_id and account_xref.csv has no row (stripe, cus_X)"},
		{"zendesk/organizations.csv", "3", "id | no account for Zendesk organization 903: it has no external_id and account_xref.csv has no row (zendesk, 903)"},
		{"tickets.csv", "4", "organization_id | no account for Zendesk organization 903: it has no external_id and account_xref.csv has no row (zendesk, 903)"},
	}
	for _, tt := range tests {
		q := "SELECT column_name || ' | ' || reason FROM quarantine WHERE source_file = '" + tt.file + "' AND row_number = " + tt.row
		if got := fixture.Value(t, db, q); got != tt.want {
			t.Errorf("%s row %s: got %s, want %s", tt.file, tt.row, got, tt.want)
		}
	}
	// "Unknown Co" has a name and e-mail like nothing loaded; nothing matches it by them.
	if got := fixture.Value(t, db, "SELECT count(*) FROM invoices WHERE invoice_id = 'in_5'"); got != "0" {
		t.Errorf("in_5 loaded without an identity")
	}
	t.Run("XrefWinsOverCarriedID", func(t *testing.T) {
		src := fixture.CopySource(t, "testdata/mixed")
		f, err := os.OpenFile(filepath.Join(src, "account_xref.csv"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString("zendesk,901,0015g00000BxYzQ\n")
		f.Close()
		_, db := run(t, src)
		if got := fixture.Value(t, db, "SELECT account_id FROM tickets WHERE ticket_id = '1001'"); got != "0015g00000BxYzQAAV" {
			t.Errorf("ticket 1001 account %s, want the xref's", got)
		}
	})
}

// TestMissingRequiredField rejects a vendor file without a required field
// with an error naming the vendor, object and field.
func TestMissingRequiredField(t *testing.T) {
	src := fixture.CopySource(t, "testdata/mixed")
	writeFile(t, filepath.Join(src, "late", "opps.csv"), "Id,OwnerId,StageName,Amount\n0065g00000Op9ZzAAJ,0055g00000RepAa,Closed Won,10\n0065g00000Op8ZzAAJ,0055g00000RepAa,Closed Won,20\n")
	res, db := run(t, src, func(o *etl.Options) { o.Vendors.Files = map[string]string{"late/*.csv": "salesforce/Opportunity"} })
	f := fileResult(t, res, "late/opps.csv")
	if f.Status != etl.FileRejected || !strings.Contains(f.Error, "salesforce Opportunity is missing required field AccountId") || f.DetectedBy != "config" {
		t.Errorf("status %s by %s, error %q", f.Status, f.DetectedBy, f.Error)
	}
	if f.RowsRead != 2 || f.RowsQuarantined != 2 {
		t.Errorf("read %d quarantined %d, want 2 and 2", f.RowsRead, f.RowsQuarantined)
	}
	if got := fixture.Value(t, db, "SELECT string_agg(DISTINCT entity || ' | ' || reason, ',') FROM quarantine WHERE source_file = 'late/opps.csv'"); got != "deals | file rejected: salesforce Opportunity is missing required field AccountId" {
		t.Errorf("quarantine: %s", got)
	}
	if res.Status != runlog.Warning {
		t.Errorf("status %s, want warning", res.Status)
	}
	for _, e := range res.Entities {
		if e.Entity == "deals" && (e.RowsRead != 7 || e.RowsLoaded != 4) {
			t.Errorf("deals: read %d loaded %d, want 7 and 4", e.RowsRead, e.RowsLoaded)
		}
	}
}

// TestRerunAndParquet runs a source twice (the vendor files are unchanged
// as a set, and nothing changes), then again with one export as Parquet.
func TestRerunAndParquet(t *testing.T) {
	src := fixture.CopySource(t, "testdata/mixed")
	data := wh.Dir(t.TempDir())
	opts := func(o *etl.Options) { o.Data = data }
	first, _ := runErr(t, src, opts)
	second, err := runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range second.Files {
		if f.Status != etl.FileUnchanged {
			t.Errorf("%s: %s on a rerun, want unchanged", f.Path, f.Status)
		}
	}
	for i, e := range second.Entities {
		if e.Rows != first.Entities[i].Rows || e.RowsRead != 0 {
			t.Errorf("%s: rerun read %d and has %d rows, want 0 and %d", e.Entity, e.RowsRead, e.Rows, first.Entities[i].Rows)
		}
	}
	// Parquet: the credit notes as a typed Parquet file.
	csvPath := filepath.Join(src, "stripe", "credit_notes.csv")
	db, err := wh.Open(context.Background(), filepath.Join(t.TempDir(), "x.duckdb"), wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("COPY (SELECT * FROM read_csv(?)) TO '"+filepath.Join(src, "stripe", "credit_notes.parquet")+"' (FORMAT parquet)", csvPath)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(csvPath)
	third, err := runErr(t, src, opts)
	if err != nil {
		t.Fatal(err)
	}
	f := fileResult(t, third, "stripe/credit_notes.parquet")
	if f.Object != "credit_notes" || f.RowsLoaded != 1 || f.RowsSkipped != 1 {
		t.Errorf("parquet credit notes: %+v", f)
	}
	if got := fixture.Value(t, published(t, third), "SELECT amount || ' ' || issued_date FROM credit_notes WHERE credit_note_id = 'cn_1'"); got != "5000.00 2025-10-15" {
		t.Errorf("cn_1 from Parquet: %s", got)
	}
}

func writeFile(tb testing.TB, path, content string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestVendorRates converts money with the rates the vendors export:
// Salesforce's dated rates (the inverse of ConversionRate, the rate dated
// on or before the row), its static CurrencyType rate for a currency
// without dated rates, the exchange rate of the Stripe balance transaction
// that settled an invoice, and the exchange rate on NetSuite transactions.
func TestVendorRates(t *testing.T) {
	res, db := run(t, "testdata/currency")
	rules := []rule{
		{"DatedRateInverse", "SELECT net_amount || ' ' || net_amount_original || ' ' || currency || ' ' || fx_rate FROM deals WHERE deal_id = '0065g00000Cu1AaAAJ'", "11111.11 10000.00 EUR 1.11111111"},
		{"StaticRateWithoutDated", "SELECT net_amount || ' ' || fx_rate FROM deals WHERE deal_id = '0065g00000Cu2BbAAJ'", "10000.00 1.25000000"},
		{"BaseCurrencyUnconverted", "SELECT net_amount || ' ' || fx_rate FROM deals WHERE deal_id = '0065g00000Cu3CcAAJ'", "5000.00 1.00000000"},
		{"ContractAtDatedRate", "SELECT arr || ' ' || fx_rate FROM contracts WHERE contract_id = '8005g00000Cu1AaAAJ'", "11111.11 1.11111111"},
		{"NetSuiteExchangeRate", "SELECT amount || ' ' || amount_original || ' ' || fx_rate FROM invoices WHERE invoice_id = '9201'", "1170.00 1000.00 1.17000000"},
		{"StripeBalanceRate", "SELECT amount || ' ' || amount_original || ' ' || fx_rate FROM invoices WHERE invoice_id = 'in_Cu2'", "1180.00 1000.00 1.18000000"},
		{"OneNetSuiteRatePerDay", "SELECT count(*) FROM fx_rates WHERE currency = 'EUR' AND date = DATE '2025-07-01'", "1"},
		{"Rates", "SELECT string_agg(currency || ' ' || date || ' ' || rate_to_base, ', ' ORDER BY currency, date) FROM fx_rates",
			"EUR 2025-01-01 1.11111111, EUR 2025-06-01 1.25000000, EUR 2025-07-01 1.17000000, EUR 2025-09-02 1.18000000, GBP 1900-01-01 1.25000000, USD 1900-01-01 1.00000000, USD 2025-08-01 1.00000000"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	f := fileResult(t, res, "salesforce/CurrencyType.csv")
	if f.RowsSkipped != 1 || f.RowsLoaded != 2 {
		t.Errorf("CurrencyType: %d loaded, %d skipped; want 2 loaded and EUR skipped for its dated rates", f.RowsLoaded, f.RowsSkipped)
	}
	// The second rate of the day and the payout are skipped, not lost.
	if f := fileResult(t, res, "stripe/balance_transactions.jsonl"); f.RowsLoaded != 1 || f.RowsSkipped != 2 || f.RowsRead != 3 {
		t.Errorf("balance transactions: %d read, %d loaded, %d skipped; want 3, 1, 2", f.RowsRead, f.RowsLoaded, f.RowsSkipped)
	}
}
