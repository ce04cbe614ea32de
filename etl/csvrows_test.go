package etl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestCSVRowNumbers: the rows of a CSV file are numbered as the data
// contract says (the first data row is 1; blank lines are skipped and not
// counted; a quoted value spanning lines is one row), alike for the rows
// loaded and the malformed rows quarantined, whatever stands before them.
func TestCSVRowNumbers(t *testing.T) {
	const header = "ticket_id,account_id,contract_id,created_at,resolved_at,category,priority,is_escalated,escalated_at,subject,tags"
	row := func(id string) string {
		return id + ",ACC-1,,2022-05-10 09:30:00,,bug,normal,false,,Export times out,export"
	}
	bad := func(id string) string { return row(id) + ",one too many" }
	tests := []struct {
		name  string
		lines []string
		nl    string
		bom   bool
		want  map[string]int64 // ticket id -> row, loaded or quarantined
	}{
		{"BlankLineBeforeMalformed", []string{row("T-1"), "", bad("T-2"), row("T-3")}, "\n", false,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3}},
		{"CRLFAndByteOrderMark", []string{row("T-1"), "", "", bad("T-2"), row("T-3"), bad("T-4"), "", row("T-5")}, "\r\n", true,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3, "T-4": 4, "T-5": 5}},
		{"QuotedValueOverLines", []string{strings.Replace(row("T-1"), "Export times out", "\"first\n\nthird\"", 1), "", bad("T-2"), row("T-3")}, "\n", false,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3}},
		{"MalformedFirst", []string{bad("T-1"), "", row("T-2"), "", bad("T-3"), row("T-4")}, "\n", false,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3, "T-4": 4}},
		{"CarriageReturnsOnly", []string{row("T-1"), "", bad("T-2"), row("T-3")}, "\r", false,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3}},
		{"QuoteAfterSpace", []string{row("T-1"), strings.Replace(row("T-2"), "Export times out", " \"x\ny\"", 1), "", bad("T-3"), row("T-4")}, "\n", false,
			map[string]int64{"T-1": 1, "T-2": 2, "T-3": 3, "T-4": 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "testdata/good")
			text := strings.Join(append([]string{header}, tt.lines...), tt.nl) + tt.nl
			if tt.bom {
				text = "\ufeff" + text
			}
			fixture.WriteFile(t, filepath.Join(src, "tickets", "x.csv"), text)
			data := wh.Dir(t.TempDir())
			mustRun(t, src, data)
			db := fixture.OpenPublished(t, data)
			got := map[string]int64{}
			rows, err := db.Query(`SELECT ticket_id, _source_row FROM tickets WHERE _source_file = 'tickets/x.csv'
UNION ALL SELECT split_part(raw_values, ',', 1), row_number FROM quarantine WHERE source_file = 'tickets/x.csv'`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id string
				var n int64
				if err := rows.Scan(&id, &n); err != nil {
					t.Fatal(err)
				}
				got[strings.TrimPrefix(id, "\ufeff")] = n
			}
			if len(got) != len(tt.want) {
				t.Errorf("rows %v, want %v", got, tt.want)
			}
			for id, n := range tt.want {
				if got[id] != n {
					t.Errorf("%s: row %d, want %d (all: %v)", id, got[id], n, got)
				}
			}
		})
	}
}
