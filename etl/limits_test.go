package etl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestInputLimits loads accounts with a value far past the length limit
// and values holding a NUL byte, from CSV and JSON lines: each such row is
// quarantined with its file, row, field and why; the rows around it load.
func TestInputLimits(t *testing.T) {
	long := strings.Repeat("x", 200000)
	tests := []struct {
		name    string
		file    string
		content string
		max     int
		row     int64
		column  string
		reason  string
	}{
		{"LongCSV", "accounts.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2," + long + ",smb\nACC-3,Three,smb\n",
			0, 2, "account_name", "account_name: value is 200000 characters long; the limit is 10000"},
		{"NULInCSV", "accounts.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2,Tw\x00o,smb\nACC-3,Three,smb\n",
			0, 2, "account_name", "account_name: value holds a NUL byte"},
		{"NULInJSON", "accounts.jsonl", `{"account_id":"ACC-1","account_name":"One","segment":"smb"}` + "\n" +
			`{"account_id":"ACC-2\u0000","account_name":"Two","segment":"smb"}` + "\n" + `{"account_id":"ACC-3","account_name":"Three","segment":"smb"}` + "\n",
			0, 2, "account_id", "account_id: value holds a NUL byte"},
		{"LimitFromOptions", "accounts.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2," + strings.Repeat("é", 81) + ",smb\nACC-3,Three,smb\n",
			80, 2, "account_name", "account_name: value is 81 characters long; the limit is 80"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "testdata/good")
			fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "")
			fixture.WriteFile(t, filepath.Join(src, tt.file), tt.content)
			data := wh.Dir(t.TempDir())
			res := mustRun(t, src, data, func(o *Options) { o.MaxTextLength = tt.max })
			if res.Entities[0].RowsQuarantined != 1 || res.Entities[0].RowsLoaded != 2 {
				t.Fatalf("accounts: loaded %d, quarantined %d; want 2 and 1", res.Entities[0].RowsLoaded, res.Entities[0].RowsQuarantined)
			}
			db := fixture.OpenPublished(t, data)
			var file, column, reason, raw string
			var row int64
			err := db.QueryRow(`SELECT source_file, row_number, column_name, reason, raw_values FROM quarantine WHERE entity = 'accounts'`).Scan(&file, &row, &column, &reason, &raw)
			if err != nil {
				t.Fatal(err)
			}
			if file != tt.file || row != tt.row || column != tt.column || !strings.Contains(reason, tt.reason) {
				t.Errorf("quarantined %s row %d %s: %q; want %s row %d %s: %q", file, row, column, reason, tt.file, tt.row, tt.column, tt.reason)
			}
			if len(raw) > 2*DefaultMaxTextLength {
				t.Errorf("the quarantine keeps %d characters of raw values; want the long value cut at the limit", len(raw))
			}
			if n := queryInt(t, db, "SELECT count(*) FROM accounts WHERE contains(account_name, chr(0)) OR contains(account_id, chr(0)) OR length(account_name) > 10000"); n != 0 {
				t.Errorf("%d accounts over the limits loaded", n)
			}
		})
	}
}
