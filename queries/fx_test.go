package queries_test

import (
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestFX loads testdata/fx, a company selling in USD and EUR with EUR rates
// only (testdata/fx/README.md works every number out by hand), and checks
// that staging and the marts hold base-currency money with the originals
// beside it, and that mart totals equal the hand-converted sums.
func TestFX(t *testing.T) {
	db, _, _ := load(t, "testdata/fx", settingsAsOf("2024-06-30"), "")
	tests := []struct {
		name, q, want string
	}{
		{"StagingDeal", "SELECT list_amount || ' ' || net_amount || ' ' || currency || ' ' || net_amount_original || ' ' || fx_rate FROM stg_deals WHERE deal_id = 'D2'", "66000.00 55000.00 EUR 50000.00 1.10000000"},
		{"DiscountIsCurrencyFree", "SELECT discount_pct FROM stg_deals WHERE deal_id = 'D2'", "0.166667"},
		{"StagingContractLaterRate", "SELECT arr || ' ' || arr_original || ' ' || fx_rate FROM stg_contracts WHERE contract_id = 'C3'", "21600.00 20000.00 1.08000000"},
		{"StagingInvoiceLine", "SELECT unit_price || ' ' || amount || ' ' || currency || ' ' || amount_original FROM stg_invoice_lines WHERE invoice_id = 'I2'", "5500.0000 55000.00 EUR 50000.00"},
		{"StagingCreditNote", "SELECT amount || ' ' || currency || ' ' || amount_original FROM stg_credit_notes WHERE credit_note_id = 'CN1'", "1080.00 EUR 1000.00"},
		{"BaseUnchanged", "SELECT arr || ' ' || arr_original || ' ' || currency FROM stg_contracts WHERE contract_id = 'C1'", "100000.00 100000.00 USD"},
		{"NoRateNotLoaded", "SELECT count(*) FROM stg_contracts WHERE currency = 'GBP'", "0"},
		{"NoRateQuarantined", "SELECT string_agg(entity || ' ' || row_number || ': ' || reason, '; ' ORDER BY entity) FROM quarantine",
			"contracts 4: currency: no rate for GBP dated on or before 2024-02-01 in fx_rates; add one to convert the row to USD; " +
				"deals 4: currency: no rate for GBP dated on or before 2024-01-20 in fx_rates; add one to convert the row to USD"},
		{"AccountARR", "SELECT current_arr FROM account_summary WHERE account_id = 'A2'", "76600.00"},
		{"TotalARR", "SELECT sum(current_arr) FROM account_summary", "176600.00"},
		{"DealDiscountsNet", "SELECT sum(net_amount) FROM deal_discounts", "176600.00"},
		{"BillingTotals", "SELECT sum(invoiced)::DECIMAL(18,2) || ' ' || sum(credited)::DECIMAL(18,2) FROM billing_quarterly", "155000.00 1080.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
