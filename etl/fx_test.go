package etl

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestLoadFX loads testdata/fx, a company selling in USD and EUR with an
// fx_rates file (testdata/fx/README.md computes each row by hand): EUR rows
// convert with the rate dated on or before their date, keeping the
// original beside the base amount; USD rows are unchanged; a row whose
// currency has no rate on or before its date is quarantined, naming the
// currency and the date.
func TestLoadFX(t *testing.T) {
	data := wh.Dir(t.TempDir())
	res := mustRun(t, "testdata/fx", data)
	db := fixture.OpenPublished(t, data)
	loaded := map[string]int64{"fx_rates": 5, "deals": 5, "deal_lines": 3, "contracts": 3, "invoices": 3, "invoice_lines": 3, "credit_notes": 1}
	for _, e := range res.Entities {
		if want, ok := loaded[e.Entity]; ok && e.RowsLoaded != want {
			t.Errorf("%s: loaded %d, want %d", e.Entity, e.RowsLoaded, want)
		}
	}
	tests := []struct {
		name, q, want string
	}{
		{"DealOnRateDate", "SELECT list_amount || ' ' || net_amount || ' ' || currency || ' ' || fx_rate FROM deals WHERE deal_id = 'DEAL-3'", "47200.00 42480.00 EUR 1.18000000"},
		{"DealOriginal", "SELECT list_amount_original || ' ' || net_amount_original FROM deals WHERE deal_id = 'DEAL-3'", "40000.00 36000.00"},
		{"OpenDealAtCreatedDate", "SELECT list_amount || ' ' || net_amount || ' ' || currency FROM deals WHERE deal_id = 'DEAL-5'", "46849.38 42164.44 EUR"},
		{"DealLineInDealsRate", "SELECT list_unit_price || ' ' || net_unit_price || ' ' || net_unit_price_original || ' ' || currency FROM deal_lines WHERE line_id = 'LN-3'", "1180.0000 1062.0000 900.0000 EUR"},
		{"ContractRateBeforeStart", "SELECT arr || ' ' || arr_original || ' ' || fx_rate FROM contracts WHERE contract_id = 'CTR-3'", "42480.00 36000.00 1.18000000"},
		{"Invoice", "SELECT amount || ' ' || amount_original FROM invoices WHERE invoice_id = 'INV-2'", "42480.00 36000.00"},
		{"InvoiceLineInInvoicesRate", "SELECT unit_price || ' ' || amount || ' ' || currency FROM invoice_lines WHERE invoice_id = 'INV-2'", "1062.0000 42480.00 EUR"},
		{"CreditNoteAtItsOwnDate", "SELECT amount || ' ' || amount_original || ' ' || currency || ' ' || fx_rate FROM credit_notes WHERE credit_note_id = 'CN-1'", "3513.70 3000.00 EUR 1.17123450"},
		{"BaseUnchanged", "SELECT arr || ' ' || arr_original || ' ' || currency || ' ' || fx_rate FROM contracts WHERE contract_id = 'CTR-1'", "84000.00 84000.00 USD 1.00000000"},
		{"EmptyCurrencyIsBase", "SELECT net_amount || ' ' || currency FROM deals WHERE deal_id = 'DEAL-4'", "4500.00 USD"},
		{"NoRateForCurrency", "SELECT source_file || ':' || row_number || ' ' || column_name || ': ' || reason FROM quarantine WHERE entity = 'deals' AND row_number = 6",
			"deals.csv:6 currency: currency: no rate for GBP dated on or before 2022-02-10 in fx_rates; add one to convert the row to USD"},
		{"NoRateBeforeFirst", "SELECT reason FROM quarantine WHERE entity = 'deals' AND row_number = 7",
			"currency: no rate for EUR dated on or before 2020-12-01 in fx_rates; add one to convert the row to USD"},
		{"OnlyNoRateQuarantined", "SELECT count(*) FROM quarantine", "2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := db.QueryRow(tt.q).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestUpgradeEarlierGeneration loads on top of a generation built before
// amounts were converted: its tables lack the originals, the rates and the
// lines' currency (and it has no checksum file, as generations then had).
// The run must merge its rows by name and complete them as base-currency
// rows, both for an entity with new rows and for one without.
func TestUpgradeEarlierGeneration(t *testing.T) {
	data := wh.Dir(t.TempDir())
	src := fixture.CopySource(t, "testdata/good")
	mustRun(t, src, data)
	g, err := data.Published()
	if err != nil {
		t.Fatal(err)
	}
	db, err := wh.Open(context.Background(), g.Path, wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range contract.Entities {
		for _, c := range e.Derived() {
			if _, err := db.Exec("ALTER TABLE " + wh.Ident(e.Name) + " DROP COLUMN " + wh.Ident(c.Name)); err != nil {
				t.Fatalf("make %s look earlier: %v", e.Name, err)
			}
		}
	}
	db.Close()
	os.Remove(g.Path + ".sha256")
	// New rows for deals; none for contracts.
	b, err := os.ReadFile(filepath.Join(src, "deals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	fixture.WriteFile(t, filepath.Join(src, "deals.csv"), string(b)+"DEAL-9,ACC-1,REP-2,new,won,2022-05-01,2022-05-20,1000.00,900.00,USD,12,,,,\n")
	res := mustRun(t, src, data)
	if res.Status != "success" {
		t.Fatalf("run after the upgrade: %s %v", res.Status, res.Warnings)
	}
	pub := fixture.OpenPublished(t, data)
	for _, q := range []string{
		"SELECT count(*) FROM deals WHERE fx_rate IS NULL OR net_amount_original IS DISTINCT FROM net_amount OR list_amount_original IS DISTINCT FROM list_amount",
		"SELECT count(*) FROM contracts WHERE fx_rate <> 1 OR fx_rate IS NULL OR arr_original IS DISTINCT FROM arr",
		"SELECT count(*) FROM deal_lines WHERE currency IS NULL OR fx_rate IS NULL",
	} {
		var n int
		if err := pub.QueryRow(q).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s: %d rows (%v), want 0", q, n, err)
		}
	}
	var deals int
	if err := pub.QueryRow("SELECT count(*) FROM deals").Scan(&deals); err != nil || deals != 6 {
		t.Errorf("deals = %d (%v), want the 5 earlier and the new one", deals, err)
	}
}
