package adapters_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// digest renders an entity's loaded rows (without load metadata) as a count
// and a hash, so two runs can be compared row for row.
func digest(tb testing.TB, db *sql.DB, entity string) string {
	tb.Helper()
	return fixture.Value(tb, db, `SELECT count(*)::VARCHAR || ' ' || coalesce(md5(string_agg(t::VARCHAR, '|' ORDER BY t::VARCHAR)), '')
FROM (SELECT * EXCLUDE (_run_id, _source_file, _source_row) FROM `+entity+`) t`)
}

// TestSalesforceExportLayouts loads the Salesforce objects of
// testdata/mixed as Data Loader writes them (UPPER-case API names) and as a
// report writes them (field labels, M/D/YYYY dates, $1,234.56 amounts):
// every entity gets the same rows as from the mixed-case API names.
func TestSalesforceExportLayouts(t *testing.T) {
	_, want := mixed(t)
	for _, layout := range []string{"dataloader", "report"} {
		t.Run(layout, func(t *testing.T) {
			res, db := run(t, filepath.Join("testdata", layout))
			for _, e := range []string{"accounts", "reps", "deals", "deal_lines", "contracts", "contract_terms"} {
				if got, w := digest(t, db, e), digest(t, want, e); got != w {
					t.Errorf("%s: got %s, want %s (as from testdata/mixed)", e, got, w)
				}
				if strings.HasPrefix(digest(t, db, e), "0 ") {
					t.Errorf("%s: no rows", e)
				}
			}
			for _, f := range res.Files {
				if strings.HasPrefix(f.Path, "salesforce/") && f.Status != etl.FileLoaded {
					t.Errorf("%s: %s (%s)", f.Path, f.Status, f.Error)
				}
			}
		})
	}
}

// TestNetSuiteSavedSearchDefaults loads NetSuite saved searches as they
// export by default: column labels, Type display values, M/D/YYYY dates,
// amounts with thousands separators and (x) negatives, and a customer
// search with both ID (entityid) and Internal ID.
func TestNetSuiteSavedSearchDefaults(t *testing.T) {
	res, db := run(t, "testdata/netsuite_search")
	rules := []rule{
		{"InvoiceThousands", "SELECT account_id || ' ' || issued_date || ' ' || due_date || ' ' || amount || ' ' || status FROM invoices WHERE invoice_id = '9001'", "101 2025-07-01 2025-07-31 8000.00 paid"},
		{"InvoiceMonthFirst", "SELECT issued_date || ' ' || amount FROM invoices WHERE invoice_id = '9008'", "2025-11-03 1234.56"},
		{"CreditMemoParenthesesNegative", "SELECT invoice_id || ' ' || amount || ' ' || reason FROM credit_notes WHERE credit_note_id = '9009'", "9008 1234.56 Duplicate invoice"},
		{"CreditMemoDisplayType", "SELECT invoice_id || ' ' || amount FROM credit_notes WHERE credit_note_id = '9003'", "9001 500.00"},
		{"LineRateThousands", "SELECT unit_price || ' ' || amount FROM invoice_lines WHERE invoice_id = '9008'", "1234.5600 1234.56"},
		{"IncomeLinesFlipped", "SELECT quantity || ' ' || amount FROM invoice_lines WHERE invoice_id = '9001'", "10.0000 8000.00"},
		{"CustomerByInternalID", "SELECT account_id FROM invoices WHERE invoice_id = '9007'", "101"},
		{"OnlyUnknownCustomerQuarantined", "SELECT string_agg(source_file || ':' || row_number, ',' ORDER BY source_file, row_number) FROM quarantine WHERE source_file LIKE 'netsuite/%'", "netsuite/customer.csv:3,netsuite/transaction.csv:4"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	for _, path := range []string{"netsuite/customer.csv", "netsuite/transaction.csv", "netsuite/transactionline.csv"} {
		if f := fileResult(t, res, path); f.Status != etl.FileLoaded {
			t.Errorf("%s: %s (%s), want loaded", path, f.Status, f.Error)
		}
	}
}

// TestDateOrder checks the date order of a file: set per vendor, decided
// by the file's values when unset, and a file it does not fit rejected
// with the column named.
func TestDateOrder(t *testing.T) {
	tests := []struct {
		name    string
		order   string // vendors.date_order.netsuite
		dates   []string
		want    string // issued_date of invoice 9001, or the rejection's words
		rejects bool
	}{
		{"DecidedMonthFirst", "", []string{"7/1/2025", "7/15/2025"}, "2025-07-01", false},
		{"DecidedDayFirst", "", []string{"1/7/2025", "15/7/2025"}, "2025-07-01", false},
		{"UndecidedRejected", "", []string{"7/1/2025", "8/5/2025"}, `column "Date" has dates such as 7/1/2025 that read both month first and day first, and no value decides; set vendors.date_order.netsuite`, true},
		{"MixedRejected", "", []string{"7/1/2025", "15/7/2025", "7/16/2025"}, "both month first (7/16/2025", true},
		{"SetMonthFirst", "mdy", []string{"7/1/2025", "8/5/2025"}, "2025-07-01", false},
		{"SetDayFirst", "dmy", []string{"1/7/2025", "5/8/2025"}, "2025-07-01", false},
		{"SetButContradicted", "mdy", []string{"1/7/2025", "25/7/2025"}, `column "Date" writes dates day first (25/7/2025), but vendors.date_order.netsuite is mdy`, true},
		{"ISONeedsNoOrder", "", []string{"2025-07-01", "2025-08-05"}, "2025-07-01", false},
		{"DottedIsDayFirst", "", []string{"1.7.2025", "5.8.2025"}, "2025-07-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.CopyFS(dir, os.DirFS("testdata/crm_erp")); err != nil {
				t.Fatal(err)
			}
			rows := []string{"Internal ID,Type,Date,Name,Currency,Status,Amount"}
			for i, d := range tt.dates {
				rows = append(rows, strings.Join([]string{"900" + string(rune('1'+i)), "Invoice", d, "7001", "USD", "Open", "100.00"}, ","))
			}
			if err := os.WriteFile(filepath.Join(dir, "netsuite", "transaction.csv"), []byte(strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			res, db := run(t, dir, func(o *etl.Options) {
				if tt.order != "" {
					o.Vendors.DateOrder = map[string]string{"netsuite": tt.order}
				}
			})
			f := fileResult(t, res, "netsuite/transaction.csv")
			if tt.rejects {
				if f.Status != etl.FileRejected || !strings.Contains(f.Error, tt.want) || !strings.Contains(f.Error, "netsuite/transaction.csv") {
					t.Errorf("got %s (%s), want rejected naming the file and %q", f.Status, f.Error, tt.want)
				}
				if f.RowsQuarantined != int64(len(tt.dates)) {
					t.Errorf("quarantined %d rows, want %d", f.RowsQuarantined, len(tt.dates))
				}
				return
			}
			if f.Status != etl.FileLoaded {
				t.Fatalf("got %s (%s), want loaded", f.Status, f.Error)
			}
			if got := fixture.Value(t, db, "SELECT issued_date FROM invoices WHERE invoice_id = '9001'"); got != tt.want {
				t.Errorf("issued_date = %s, want %s (quarantined: %s)", got, tt.want,
					fixture.Value(t, db, "SELECT string_agg(column_name || ': ' || reason, '; ') FROM quarantine WHERE source_file = 'netsuite/transaction.csv'"))
			}
		})
	}
}
