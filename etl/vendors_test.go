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
	const acme = acmeID
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

// TestVendorFileKeepsLaterLoad: more ways a vendor file comes back to
// content loaded before a correction (moved with the set read again,
// changed back over a rejected version, a deletion read again): each
// leaves the correction as a full refresh of the same files does.
func TestVendorFileKeepsLaterLoad(t *testing.T) {
	const acme = acmeID
	fix := func(t *testing.T, src string) {
		fixture.WriteFile(t, filepath.Join(src, "accounts", "fix.csv"), "account_id,account_name,segment\n"+acme+",Acme Corporation,enterprise\n")
	}
	org := func(id string) func(t *testing.T, src string) {
		return func(t *testing.T, src string) {
			appendLine(t, filepath.Join(src, "zendesk", "organizations.csv"), id+",,Org "+id+",2024-07-01T00:00:00Z\n")
		}
	}
	account := filepath.Join("salesforce", "Account.csv")
	var v1 []byte
	keep := func(t *testing.T, src string) {
		var err error
		if v1, err = os.ReadFile(filepath.Join(src, account)); err != nil {
			t.Fatal(err)
		}
	}
	acmeName := "SELECT coalesce(max(account_name), '') FROM accounts WHERE account_id = '" + acme + "'"
	tests := []struct {
		name  string
		steps []func(t *testing.T, src string)
		query string
	}{
		{"MovedWithTheSetReadAgain", []func(*testing.T, string){fix, org("903"), func(t *testing.T, src string) {
			rename(t, filepath.Join(src, account), filepath.Join(src, "salesforce", "old", "Account.csv"))
			org("904")(t, src)
		}}, acmeName},
		{"MovedThenReadAgain", []func(*testing.T, string){fix, org("903"), func(t *testing.T, src string) {
			rename(t, filepath.Join(src, account), filepath.Join(src, "salesforce", "old", "Account.csv"))
			org("904")(t, src)
		}, org("905")}, acmeName},
		{"ChangedBackOverRejected", []func(*testing.T, string){keep, fix, func(t *testing.T, src string) {
			fixture.WriteFile(t, filepath.Join(src, account), strings.Replace(string(v1), "Id,Name,", "Id,Nom,", 1))
		}, func(t *testing.T, src string) { fixture.WriteFile(t, filepath.Join(src, account), string(v1)) }}, acmeName},
		{"DeletionReadAgain", []func(*testing.T, string){func(t *testing.T, src string) {
			path := filepath.Join(src, "tickets.csv")
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fixture.WriteFile(t, path, strings.Replace(string(b), "2026-04-02T12:00:00Z,closed,", "2026-04-02T12:00:00Z,deleted,", 1))
		}, func(t *testing.T, src string) {
			fixture.WriteFile(t, filepath.Join(src, "tickets", "fix.csv"),
				"ticket_id,account_id,contract_id,created_at,resolved_at,category,priority,is_escalated,escalated_at,subject,tags\n"+
					"1003,0015g00000BxYzQAAV,,2026-04-01 12:00:00,,bug,normal,false,,SSO login fails,\n")
		}, org("904")}, "SELECT count(*)::VARCHAR FROM tickets WHERE ticket_id = '1003'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "adapters/testdata/mixed")
			inc, full := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
			mustRun(t, src, inc)
			for _, step := range tt.steps {
				step(t, src)
				mustRun(t, src, inc)
			}
			mustRun(t, src, full)
			got := fixture.Value(t, fixture.OpenPublished(t, inc), tt.query)
			if want := fixture.Value(t, fixture.OpenPublished(t, full), tt.query); got != want {
				t.Errorf("%s: %q, want %q as a full refresh of the same files", tt.query, got, want)
			}
		})
	}
}

// TestVendorFileTakesReReadContent: a vendor file changed to the content
// another vendor file holds is read again, though a re-read of the set
// read that content since the path's own load (from a third review).
func TestVendorFileTakesReReadContent(t *testing.T) {
	src := fixture.CopySource(t, "adapters/testdata/mixed")
	inc, full := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
	account := filepath.Join(src, "salesforce", "Account.csv")
	extra := filepath.Join(src, "salesforce", "extra", "Account.csv")
	v1, err := os.ReadFile(account)
	if err != nil {
		t.Fatal(err)
	}
	mustRun(t, src, inc)
	fixture.WriteFile(t, extra, strings.Replace(string(v1), "Acme Corp,", "Acme Y,", 1))
	mustRun(t, src, inc)
	appendLine(t, filepath.Join(src, "zendesk", "organizations.csv"), "903,,Org 903,2024-07-01T00:00:00Z\n")
	mustRun(t, src, inc)
	fixture.WriteFile(t, extra, string(v1))
	res := mustRun(t, src, inc)
	t.Logf("extra: %s", fileStatus(res, "salesforce/extra/Account.csv"))
	mustRun(t, src, full)
	got := fixture.Value(t, fixture.OpenPublished(t, inc), acmeQuery)
	if want := fixture.Value(t, fixture.OpenPublished(t, full), acmeQuery); got != want {
		t.Errorf("acme %q, want %q as a full refresh", got, want)
	}
}
