package etl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestCSVMalformedField checks that a CSV row the reader cannot split into
// the header's fields is quarantined naming the field where it went wrong,
// as the contract names it (or as the file does, for a column the contract
// does not know, and for a vendor file), and no field when the row has more
// values than the header has columns.
func TestCSVMalformedField(t *testing.T) {
	const header = "ticket_id,account_id,contract_id,created_at,resolved_at,category,priority,is_escalated,escalated_at,Subject,tags,notes"
	good := "T-1,ACC-1,,2022-05-10 09:30:00,,bug,normal,false,,Export times out,export,fine"
	tests := []struct {
		name, row, column, reason string
	}{
		{"TooMany", "T-2,ACC-1,,2022-05-10 09:30:00,,bug,normal,false,,Export,export,fine,extra", "", "too many columns"},
		{"TooFew", "T-2,ACC-1,,2022-05-10 09:30:00,,bug,normal", "is_escalated", "missing columns"},
		{"UnquotedInContractColumn", `T-2,ACC-1,,2022-05-10 09:30:00,,bug,normal,false,,"Export" out,export,fine`, "subject", "unquoted value"},
		{"UnquotedInExtraColumn", `T-2,ACC-1,,2022-05-10 09:30:00,,bug,normal,false,,Export,export,"no" said`, "notes", "unquoted value"},
	}
	t.Run("VendorFile", func(t *testing.T) {
		src := fixture.CopySource(t, "adapters/testdata/mixed")
		appendLine(t, filepath.Join(src, "salesforce", "Account.csv"), `0015g00000ZzZzZAAV,Zeta Inc,Customer,Software,"10" x,,0055g00000RepAaAAJ,,US,2024-08-01T09:00:00.000Z,zeta.example`+"\n")
		data := wh.Dir(t.TempDir())
		mustRun(t, src, data)
		var column, reason string
		if err := fixture.OpenPublished(t, data).QueryRow(`SELECT column_name, reason FROM quarantine WHERE source_file = 'salesforce/Account.csv' AND reason LIKE 'malformed%'`).Scan(&column, &reason); err != nil {
			t.Fatal(err)
		}
		if column != "NumberOfEmployees" || !strings.Contains(reason, "unquoted value") {
			t.Errorf("quarantined column %q reason %q, want the file's NumberOfEmployees and an unquoted value", column, reason)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "testdata/good")
			fixture.WriteFile(t, filepath.Join(src, "tickets", "x.csv"), header+"\n"+good+"\n"+tt.row+"\n")
			data := wh.Dir(t.TempDir())
			mustRun(t, src, data)
			db := fixture.OpenPublished(t, data)
			var row int64
			var column, reason string
			if err := db.QueryRow(`SELECT row_number, coalesce(column_name, ''), reason FROM quarantine WHERE source_file = 'tickets/x.csv'`).Scan(&row, &column, &reason); err != nil {
				t.Fatal(err)
			}
			if row != 2 || column != tt.column || !strings.Contains(reason, tt.reason) {
				t.Errorf("quarantined row %d column %q reason %q, want row 2 column %q reason with %q", row, column, reason, tt.column, tt.reason)
			}
		})
	}
}
