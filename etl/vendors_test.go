package etl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestUnchangedVendorFileKeepsLaterLoad: vendor files are read as a set,
// all again when one changed; the rows of one read again unchanged are no
// newer than its first load, so they do not undo a correction a later run
// loaded from another file. A changed export of the same file does.
func TestUnchangedVendorFileKeepsLaterLoad(t *testing.T) {
	src := fixture.CopySource(t, "adapters/testdata/mixed")
	data := wh.Dir(t.TempDir())
	const acme = "0015g00000AbCdEAAV"
	name := func() string {
		return fixture.Value(t, fixture.OpenPublished(t, data), "SELECT account_name FROM accounts WHERE account_id = ?", acme)
	}
	mustRun(t, src, data)
	if got := name(); got != "Acme Corp" {
		t.Fatalf("first load: %q", got)
	}
	fixture.WriteFile(t, filepath.Join(src, "accounts", "fix.csv"), "account_id,account_name,segment\n"+acme+",Acme Corporation,enterprise\n")
	mustRun(t, src, data)
	if got := name(); got != "Acme Corporation" {
		t.Fatalf("after the correction: %q", got)
	}

	// Another vendor file changes: Account.csv is read again, unchanged.
	appendLine(t, filepath.Join(src, "zendesk", "organizations.csv"), "903,,Gamma Ltd,2024-07-01T00:00:00Z\n")
	res := mustRun(t, src, data)
	if st := fileStatus(res, "salesforce/Account.csv"); st != FileLoaded {
		t.Fatalf("salesforce/Account.csv: %q, want read again with the set", st)
	}
	if got := name(); got != "Acme Corporation" {
		t.Errorf("unchanged Account.csv read again: account_name %q, want the later correction kept", got)
	}
	db := fixture.OpenPublished(t, data)
	reason := fixture.Value(t, db, "SELECT reason FROM quarantine WHERE run_id = ? AND source_file = 'salesforce/Account.csv' AND entity = 'accounts'", res.RunID)
	if !strings.Contains(reason, "superseded by accounts/fix.csv row 1 (run 2)") {
		t.Errorf("quarantine reason %q, want superseded by the later correction", reason)
	}
	for _, e := range res.Entities {
		if e.RowsRead != e.RowsLoaded+e.RowsQuarantined {
			t.Errorf("%s: read %d, loaded %d, quarantined %d", e.Entity, e.RowsRead, e.RowsLoaded, e.RowsQuarantined)
		}
	}
	if got := fixture.Value(t, db, "SELECT account_name FROM accounts WHERE account_id = '0015g00000BxYzQAAV'"); got != "Beta, LLC" {
		t.Errorf("Beta: %q, want its Account.csv row reloaded", got)
	}

	// A new export of Account.csv is newer than the correction.
	appendLine(t, filepath.Join(src, "salesforce", "Account.csv"), "0015g00000ZzZzZAAV,Zeta Inc,Customer,Software,10,,0055g00000RepAaAAJ,,US,2024-08-01T09:00:00.000Z,zeta.example\n")
	mustRun(t, src, data)
	if got := name(); got != "Acme Corp" {
		t.Errorf("a changed Account.csv: account_name %q, want its row, the newest load", got)
	}
}

func appendLine(tb testing.TB, path, line string) {
	tb.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(line); err != nil {
		tb.Fatal(err)
	}
}
