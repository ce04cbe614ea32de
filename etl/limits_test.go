package etl

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/contract"
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
		// Of an entity's files, one without a NUL byte does not spare the
		// other the check, first or last; nor does a file read as
		// Windows-1252.
		{"NULInTheFirstOfTwoFiles", "accounts/a.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2,Tw\x00o,smb\nACC-3,Three,smb\n",
			0, 2, "account_name", "account_name: value holds a NUL byte"},
		{"NULInTheLastOfTwoFiles", "accounts/b.csv", "account_id,account_name,segment\nACC-1,One,smb\nACC-2,Tw\x00o,smb\nACC-3,Three,smb\n",
			0, 2, "account_name", "account_name: value holds a NUL byte"},
		{"NULInWindows1252", "accounts.csv", "account_id,account_name,segment\nACC-1,Zo\xeb,smb\nACC-2,Tw\x00o,smb\nACC-3,Three,smb\n",
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
			if strings.HasPrefix(tt.file, "accounts/") {
				// The other file of the folder: a header and no row.
				other := map[string]string{"accounts/a.csv": "b.csv", "accounts/b.csv": "a.csv"}[tt.file]
				fixture.WriteFile(t, filepath.Join(src, "accounts", other), "account_id,account_name,segment\n")
				os.Remove(filepath.Join(src, "accounts.csv"))
			}
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

// TestLoaderOptionsChanged checks what a run does when the options rows
// are loaded with changed since the published generation: a higher text
// limit reads every file again, so that a row quarantined under the old
// limit loads, as a run from nothing would load it (the same options keep
// the generation); a new base currency is refused, and the published
// generation stays as it was.
func TestLoaderOptionsChanged(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-1,One,smb\nACC-2,"+strings.Repeat("n", 100)+",smb\nACC-3,Three,smb\n")
	data := wh.Dir(t.TempDir())
	limit := func(n int) func(*Options) { return func(o *Options) { o.MaxTextLength = n } }
	if res := mustRun(t, src, data, limit(80)); res.Entities[0].RowsQuarantined != 1 {
		t.Fatalf("first run: accounts %+v, want one row quarantined", res.Entities[0])
	}
	// The same options: nothing changed, so the run keeps the generation.
	if res := mustRun(t, src, data, limit(80)); res.Kept == 0 {
		t.Errorf("same options: run %d built generation %s, want the published one kept", res.RunID, res.Generation)
	}
	res := mustRun(t, src, data, limit(200))
	if e := res.Entities[0]; e.RowsLoaded != 3 || e.RowsQuarantined != 0 || e.Rows != 3 {
		t.Errorf("higher limit: accounts %+v, want all three rows read again and loaded", e)
	}
	fresh := wh.Dir(t.TempDir())
	mustRun(t, src, fresh, limit(200))
	rows := "SELECT string_agg(a::VARCHAR, '|' ORDER BY a::VARCHAR) FROM (SELECT * EXCLUDE (_run_id, _source_file, _source_row) FROM %s) a"
	got, want := fixture.OpenPublished(t, data), fixture.OpenPublished(t, fresh)
	for _, e := range []string{"accounts", "deals", "invoices"} {
		if g, w := fixture.Value(t, got, fmt.Sprintf(rows, e)), fixture.Value(t, want, fmt.Sprintf(rows, e)); g != w {
			t.Errorf("%s after the limit changed differs from a load from nothing:\n%s\nwant\n%s", e, g, w)
		}
	}
	before, err := data.Published()
	if err != nil {
		t.Fatal(err)
	}
	_, err = runETL(t, src, data, limit(200), func(o *Options) { o.BaseCurrency = "EUR" })
	if err == nil || !strings.Contains(err.Error(), "amounts are in USD: run with --full-refresh") {
		t.Errorf("new base currency: err = %v, want a refusal naming --full-refresh", err)
	}
	if after, err := data.Published(); err != nil || after.ID != before.ID {
		t.Errorf("published generation %d after the refused run (%v), want %d", after.ID, err, before.ID)
	}
}

// TestContractRulesChanged: a new version of the data contract (here an
// allowed value added) reads every file again, so the row an earlier rule
// quarantined loads, and the run warns that rows loaded earlier were
// checked by the old rules.
func TestContractRulesChanged(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-1,One,smb\nACC-2,Two,galactic\nACC-3,Three,smb\n")
	data := wh.Dir(t.TempDir())
	if res := mustRun(t, src, data); res.Entities[0].RowsQuarantined != 1 {
		t.Fatalf("first run: accounts %+v, want the galactic row quarantined", res.Entities[0])
	}
	saved := contract.Entities
	t.Cleanup(func() { contract.Entities = saved })
	contract.Entities = slices.Clone(saved)
	accounts := &contract.Entities[0]
	accounts.Columns = slices.Clone(accounts.Columns)
	i := slices.IndexFunc(accounts.Columns, func(c contract.Column) bool { return c.Name == "segment" })
	accounts.Columns[i].Values = append(slices.Clone(accounts.Columns[i].Values), "galactic")

	res := mustRun(t, src, data)
	if res.Kept != 0 {
		t.Fatalf("new rules: the published generation was kept")
	}
	if e := res.Entities[0]; e.RowsLoaded != 3 || e.Rows != 3 {
		t.Errorf("new rules: accounts %+v, want all three rows read again and loaded", e)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "the data contract's rules changed") }) {
		t.Errorf("warnings %q, want one saying the rules changed", res.Warnings)
	}
	if res := mustRun(t, src, data); res.Kept == 0 {
		t.Errorf("the same rules again: run %d built a generation, want the published one kept", res.RunID)
	}
}

// TestReadOutOfMemory loads under tight memory limits. One too small to
// read a file stops the run with DuckDB's out-of-memory error naming the
// file, rather than pass the file over as unreadable, and publishes
// nothing. One of 64 MB reads every file: the CSV reader's buffer is sized
// for a line, not DuckDB's default of 256 MB per file.
func TestReadOutOfMemory(t *testing.T) {
	for _, tt := range []struct{ limit, err string }{
		{"4MB", "Out of Memory"},
		{"64MB", ""},
	} {
		t.Run(tt.limit, func(t *testing.T) {
			data := wh.Dir(t.TempDir())
			res, err := runETL(t, "testdata/good", data, func(o *Options) { o.DuckDB.MemoryLimit = tt.limit })
			if tt.err == "" && err != nil {
				t.Fatal(err)
			}
			if tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "accounts.csv")) {
				t.Fatalf("err = %v, want %q reading accounts.csv", err, tt.err)
			}
			for _, f := range res.Files {
				if f.Status == FileUnreadable {
					t.Errorf("%s passed over as unreadable: %s", f.Path, f.Error)
				}
			}
			if _, err := data.Published(); (err == nil) != (tt.err == "") {
				t.Errorf("published: %v, want %v", err == nil, tt.err == "")
			}
		})
	}
}
