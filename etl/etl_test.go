package etl

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"

	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// mustRun runs the ETL and fails the test on error.
func mustRun(tb testing.TB, source string, data wh.Dir, mod ...func(*Options)) *Result {
	tb.Helper()
	res, err := runETL(tb, source, data, mod...)
	if err != nil {
		tb.Fatalf("etl %s: %v", source, err)
	}
	return res
}

func runETL(tb testing.TB, source string, data wh.Dir, mod ...func(*Options)) (*Result, error) {
	tb.Helper()
	opts := Options{Source: source, Data: data, DuckDB: wh.Settings{Threads: 2, MemoryLimit: "1GB"}}
	for _, f := range mod {
		f(&opts)
	}
	return Run(context.Background(), opts)
}

func queryInt(tb testing.TB, db *sql.DB, q string, args ...any) int64 {
	tb.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestLoadGood(t *testing.T) {
	data := wh.Dir(t.TempDir())
	res := mustRun(t, "testdata/good", data)
	if res.Status != runlog.Success {
		t.Fatalf("status = %s, want success", res.Status)
	}
	want := map[string]int64{"accounts": 3, "reps": 3, "fx_rates": 1, "deals": 5, "deal_lines": 3, "contracts": 3,
		"contract_terms": 3, "invoices": 3, "invoice_lines": 3, "credit_notes": 1, "tickets": 3}
	db := fixture.OpenPublished(t, data)
	for _, e := range res.Entities {
		if e.RowsLoaded != want[e.Entity] || e.RowsQuarantined != 0 || e.Rows != want[e.Entity] {
			t.Errorf("%s: loaded %d quarantined %d rows %d, want %d loaded", e.Entity, e.RowsLoaded, e.RowsQuarantined, e.Rows, want[e.Entity])
		}
		if got := queryInt(t, db, "SELECT count(*) FROM "+wh.Ident(e.Entity)); got != want[e.Entity] {
			t.Errorf("warehouse %s has %d rows, want %d", e.Entity, got, want[e.Entity])
		}
	}
	tests := []struct {
		name, q, want string
	}{
		{"TimestampWithOffsetIsUTC", "SELECT approved_at::VARCHAR FROM deals WHERE deal_id = 'DEAL-2'", "2022-03-29 07:00:00"},
		{"TimestampWithoutZoneIsUTC", "SELECT created_at::VARCHAR FROM tickets WHERE ticket_id = 'TCK-2'", "2022-05-10 09:30:00"},
		{"DefaultTermMonths", "SELECT term_months::VARCHAR FROM deals WHERE deal_id = 'DEAL-4'", "12"},
		{"DefaultApprovalLevel", "SELECT approval_level FROM deals WHERE deal_id = 'DEAL-5'", "none"},
		{"EmptyCurrencyIsBase", "SELECT currency FROM deals WHERE deal_id = 'DEAL-4'", "USD"},
		{"BoolYes", "SELECT auto_renew::VARCHAR FROM contracts WHERE contract_id = 'CTR-1'", "true"},
		{"BoolOne", "SELECT has_side_letter::VARCHAR FROM contracts WHERE contract_id = 'CTR-2'", "true"},
		{"BoolUpperCase", "SELECT is_standard::VARCHAR FROM contract_terms WHERE term_id = 'TRM-3'", "true"},
		{"QuotedComma", "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'", "Blue Heron, Inc."},
		{"MoneyType", "SELECT typeof(net_amount) FROM deals LIMIT 1", "DECIMAL(18,2)"},
		{"EmptyIsNull", "SELECT (resolved_at IS NULL)::VARCHAR FROM tickets WHERE ticket_id = 'TCK-2'", "true"},
		{"Lineage", "SELECT _source_file || ':' || _source_row FROM deals WHERE deal_id = 'DEAL-3'", "deals.csv:3"},
		{"RunEnded", "SELECT status || ' ' || (ended_at >= started_at)::VARCHAR FROM etl_runs WHERE run_id = 1", "success true"},
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
	for _, e := range contract.Entities {
		if _, err := os.Stat(data.Path(wh.LakeEntity(e.Name, 1))); err != nil {
			t.Errorf("lake file for %s: %v", e.Name, err)
		}
	}
}

// TestBadInput loads the good set, then a set that breaks every rule of
// the contract, and checks each row lands where it should.
func TestBadInput(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	src := fixture.CopySource(t, "testdata/bad")
	writeTruncatedParquet(t, filepath.Join(src, "reps.parquet"))
	res := mustRun(t, src, data)
	if res.Status != runlog.Warning {
		t.Errorf("status = %s, want warning (files were rejected)", res.Status)
	}
	for _, e := range res.Entities {
		if e.RowsRead != e.RowsLoaded+e.RowsQuarantined {
			t.Errorf("%s: read %d != loaded %d + quarantined %d", e.Entity, e.RowsRead, e.RowsLoaded, e.RowsQuarantined)
		}
	}
	files := []struct {
		path, status, err string
	}{
		{"deal_lines.csv", FileLoaded, ""}, // Latin-1: read as Windows-1252, with a warning
		{"reps.parquet", FileUnreadable, "reps.parquet"},
		{"contract_terms.csv", FileRejected, "missing required column is_standard"},
		{"accounts.csv", FileLoaded, ""},
		{"credit_notes.jsonl", FileLoaded, ""},
	}
	for _, f := range files {
		i := slices.IndexFunc(res.Files, func(r FileResult) bool { return r.Path == f.path })
		if i < 0 {
			t.Errorf("%s: no result", f.path)
			continue
		}
		got := res.Files[i]
		if got.Status != f.status || !strings.Contains(got.Error, f.err) {
			t.Errorf("%s: status %s error %q, want %s with %q", f.path, got.Status, got.Error, f.status, f.err)
		}
	}
	if !slices.Contains(res.Warnings, "deal_lines.csv: not UTF-8: 1 lines read as Windows-1252 (Latin-1)") {
		t.Errorf("warnings %q: want deal_lines.csv read as Windows-1252", res.Warnings)
	}
	if i := slices.IndexFunc(res.Files, func(r FileResult) bool { return r.Path == "accounts.csv" }); i < 0 || !slices.Equal(res.Files[i].Ignored, []string{"notes"}) {
		t.Errorf("accounts.csv: want the extra column notes reported as ignored")
	}
	db := fixture.OpenPublished(t, data)
	quarantine := []struct {
		rule, file string
		row        int64
		column     string
		reason     string
	}{
		{"DuplicateInFileLaterWins", "accounts.csv", 1, "account_id", "duplicate key, superseded by accounts.csv row 6"},
		{"UnknownEnum", "accounts.csv", 2, "segment", "'enterprise-ish' is not one of"},
		{"RequiredMissing", "accounts.csv", 3, "account_name", "required value missing"},
		{"ImpossibleDate", "accounts.csv", 4, "created_date", "'2023-02-30' is not a valid date"},
		{"WrongDateFormat", "accounts.csv", 5, "created_date", "'01/02/2023' is not a valid date"},
		{"BadDuplicateSupersedesNothing", "accounts.csv", 9, "created_date", "'2023-13-01' is not a valid date"},
		{"OrphanForeignKey", "deals.csv", 1, "account_id", "'ACC-404' matches no accounts.account_id"},
		{"NegativeAmount", "deals.csv", 2, "net_amount", "must be >= 0"},
		{"ThousandsSeparator", "deals.csv", 3, "list_amount", "'1,000' is not a valid money"},
		{"UnknownDealType", "deals.csv", 4, "deal_type", "'upsell' is not one of"},
		{"CloseDateRequiredUnlessOpen", "deals.csv", 5, "close_date", "required unless stage is open"},
		{"TermNotPositive", "deals.csv", 6, "term_months", "must be > 0"},
		{"FractionalInt", "deals.csv", 7, "term_months", "'12.5' is not a valid int"},
		{"UnknownApprovalLevel", "deals.csv", 8, "approval_level", "'ceo' is not one of"},
		{"CurrencyWithoutRate", "deals.csv", 9, "currency", "no rate for EUR dated on or before 2023-01-10 in fx_rates"},
		{"NotACurrency", "deals.csv", 10, "currency", "'dollars' is not an ISO 4217"},
		{"BadTimestamp", "deals.csv", 11, "approved_at", "'yesterday' is not a valid timestamp"},
		{"UnknownRep", "deals.csv", 12, "rep_id", "'REP-404' matches no reps.rep_id"},
		{"UnknownPrecedent", "deals.csv", 13, "precedent_deal_id", "'DEAL-404' matches no deals.deal_id"},
		{"SelfPrecedent", "deals.csv", 14, "precedent_deal_id", "cannot cite itself"},
		{"EndBeforeStart", "contracts.csv", 1, "end_date", "must be after start_date"},
		{"NegativeARR", "contracts.csv", 2, "arr", "must be >= 0"},
		{"BadBool", "contracts.csv", 3, "auto_renew", "'maybe' is not a valid bool"},
		{"UnknownRenewedContract", "contracts.csv", 4, "renews_contract_id", "'CTR-404' matches no contracts.contract_id"},
		{"OrphanDeal", "contracts.csv", 5, "deal_id", "'DEAL-404' matches no deals.deal_id"},
		{"OrphanAccount", "contracts.csv", 6, "account_id", "'ACC-404' matches no accounts.account_id"},
		{"RenewsAQuarantinedContract", "contracts.csv", 7, "renews_contract_id", "'CTR-90' matches no contracts.contract_id of this or an earlier load (the row with it is quarantined)"},
		{"RenewsARenewalOfOne", "contracts.csv", 8, "renews_contract_id", "'CTR-91' matches no contracts.contract_id of this or an earlier load (the row with it is quarantined)"},
		{"RejectedFileRows", "contract_terms.csv", 2, "is_standard", "file rejected: missing required column is_standard"},
		{"DuplicateAcrossFilesLaterFileWins", "invoices/2023-01.csv", 1, "invoice_id", "superseded by invoices/2023-02.csv row 1"},
		{"UnknownStatus", "invoices/2023-01.csv", 2, "status", "'pending' is not one of"},
		{"DueBeforeIssued", "invoices/2023-02.csv", 2, "due_date", "must not be before issued_date"},
		{"DuplicateCompositeKey", "invoice_lines.csv", 1, "invoice_id", "superseded by invoice_lines.csv row 2"},
		{"OrphanInvoice", "invoice_lines.csv", 3, "invoice_id", "'INV-404' matches no invoices.invoice_id"},
		{"CreditNotPositive", "credit_notes.jsonl", 1, "amount", "must be > 0"},
		{"MalformedJSON", "credit_notes.jsonl", 2, "", "malformed JSON line"},
		{"JSONNotObject", "credit_notes.jsonl", 3, "", "not an object"},
		{"UnknownCategory", "tickets.csv", 2, "category", "'complaint' is not one of"},
		{"ResolvedBeforeCreated", "tickets.csv", 3, "resolved_at", "must not be before created_at"},
		{"ImpossibleHour", "tickets.csv", 4, "created_at", "is not a valid timestamp"},
		{"MalformedCSVRow", "tickets.csv", 5, "", "malformed CSV row: too many columns"},
	}
	for _, q := range quarantine {
		t.Run(q.rule, func(t *testing.T) {
			var column, reason string
			err := db.QueryRow(`SELECT coalesce(column_name, ''), reason FROM quarantine WHERE run_id = 2 AND source_file = ? AND row_number = ?`, q.file, q.row).Scan(&column, &reason)
			if err != nil {
				t.Fatalf("%s row %d: %v", q.file, q.row, err)
			}
			if column != q.column || !strings.Contains(reason, q.reason) {
				t.Errorf("%s row %d: got column %q reason %q, want %q containing %q", q.file, q.row, column, reason, q.column, q.reason)
			}
		})
	}
	loaded := []struct{ table, key string }{
		{"accounts", "ACC-10"}, {"accounts", "ACC-15"}, // later duplicate; upper-case header and enum
		{"deals", "DEAL-24"},        // cites a deal of the earlier load
		{"invoices", "INV-10"},      // later file's row
		{"deal_lines", "LN-10"},     // Latin-1 text
		{"credit_notes", "CN-13"},   // JSON keys in another case
		{"tickets", "TCK-15"},       // the row after a malformed one keeps its row number
		{"contract_terms", "TRM-1"}, // the rejected file left earlier data alone
	}
	for _, l := range loaded {
		e, _ := contract.Lookup(l.table)
		if n := queryInt(t, db, "SELECT count(*) FROM "+wh.Ident(l.table)+" WHERE "+wh.Ident(e.Key[0])+" = ?", l.key); n != 1 {
			t.Errorf("%s %s: %d rows, want 1", l.table, l.key, n)
		}
	}
	// A later duplicate that breaks a rule leaves the good row loaded.
	if got := queryInt(t, db, "SELECT count(*) FROM accounts WHERE account_id = 'ACC-16' AND account_name = 'Good Early'"); got != 1 {
		t.Errorf("ACC-16 rows from the good duplicate = %d, want 1", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM quarantine WHERE source_file = 'accounts.csv' AND row_number = 8"); got != 0 {
		t.Errorf("the good ACC-16 row is quarantined too (%d rows)", got)
	}
	if got := queryInt(t, db, "SELECT _source_row FROM tickets WHERE ticket_id = 'TCK-15'"); got != 6 {
		t.Errorf("TCK-15 source row = %d, want 6", got)
	}
	if got := queryInt(t, db, "SELECT amount::INTEGER FROM invoices WHERE invoice_id = 'INV-10'"); got != 2 {
		t.Errorf("INV-10 amount = %d, want 2 (from the later file)", got)
	}
	if _, err := os.Stat(data.Path(wh.QuarantineFile("deals", 2))); err != nil {
		t.Errorf("quarantine file: %v", err)
	}
}

func TestRerunChangesNothing(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	before := snapshot(t, data)
	res := mustRun(t, "testdata/good", data)
	for _, f := range res.Files {
		if f.Status != FileUnchanged {
			t.Errorf("%s: status %s, want unchanged", f.Path, f.Status)
		}
	}
	for _, e := range res.Entities {
		if e.RowsRead != 0 || e.RowsLoaded != 0 {
			t.Errorf("%s: read %d loaded %d on rerun, want 0", e.Entity, e.RowsRead, e.RowsLoaded)
		}
	}
	if after := snapshot(t, data); !slices.Equal(before, after) {
		t.Errorf("rerun changed the warehouse:\nbefore %v\nafter  %v", before, after)
	}
	lake, _ := filepath.Glob(data.Path("lake", "*", "run-*.parquet"))
	for _, f := range lake {
		if !strings.HasSuffix(f, "run-000001.parquet") {
			t.Errorf("rerun wrote lake file %s", f)
		}
	}
}

// snapshot is a digest of every entity table's contents, leaving out the
// lineage columns named.
func snapshot(tb testing.TB, data wh.Dir, exclude ...string) []string {
	tb.Helper()
	if len(exclude) == 0 {
		exclude = []string{"_run_id"}
	}
	db := fixture.OpenPublished(tb, data)
	var out []string
	for _, e := range contract.Entities {
		var digest string
		q := "SELECT count(*) || ':' || coalesce(sum(hash(t))::VARCHAR, '') FROM (SELECT * EXCLUDE (" + strings.Join(exclude, ", ") + ") FROM " + wh.Ident(e.Name) + ") t"
		if err := db.QueryRow(q).Scan(&digest); err != nil {
			tb.Fatal(err)
		}
		out = append(out, e.Name+"="+digest)
	}
	return out
}

func TestMergeNewestLoadWins(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	src := t.TempDir()
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-2,Blue Heron Group,mid_market\nACC-9,New Co,smb\n")
	res := mustRun(t, src, data)
	db := fixture.OpenPublished(t, data)
	if got := queryInt(t, db, "SELECT count(*) FROM accounts"); got != 4 {
		t.Errorf("accounts = %d, want 4", got)
	}
	var name string
	db.QueryRow("SELECT account_name FROM accounts WHERE account_id = 'ACC-2'").Scan(&name)
	if name != "Blue Heron Group" {
		t.Errorf("ACC-2 name = %q, want the newer load's", name)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM deals"); got != 5 {
		t.Errorf("deals = %d, want the earlier load's 5 kept", got)
	}
	if res.Entities[0].RowsLoaded != 2 || res.Entities[0].Rows != 4 {
		t.Errorf("accounts counts = %+v", res.Entities[0])
	}
}

func TestFullRefresh(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	src := t.TempDir()
	for _, name := range []string{"accounts.csv", "deals.csv", "contracts.csv"} {
		b, err := os.ReadFile(filepath.Join("testdata/good", name))
		if err != nil {
			t.Fatal(err)
		}
		fixture.WriteFile(t, filepath.Join(src, name), string(b))
	}
	mustRun(t, src, data, func(o *Options) { o.FullRefresh = true })
	db := fixture.OpenPublished(t, data)
	if got := queryInt(t, db, "SELECT count(*) FROM tickets"); got != 0 {
		t.Errorf("tickets = %d after a full refresh from a source without them, want 0", got)
	}
	if got := queryInt(t, db, "SELECT count(*) FROM deals"); got != 5 {
		t.Errorf("deals = %d, want 5", got)
	}
	if _, err := os.Stat(data.Path(wh.LakeEntity("tickets", 1))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("full refresh kept run 1's lake file for tickets (err %v)", err)
	}
	if _, err := os.Stat(data.Path(wh.LakeEntity("deals", 2))); err != nil {
		t.Errorf("deals lake file of the refresh: %v", err)
	}
}

// connModels records how many connections the models step got beside
// the build's and the side one.
type connModels struct{ more *int }

func (m connModels) Build(ctx context.Context, env BuildEnv) (ModelsReport, error) {
	*m.more = len(env.More)
	for _, c := range env.More {
		if err := c.PingContext(ctx); err != nil {
			return ModelsReport{}, err
		}
	}
	return ModelsReport{}, nil
}

// TestModelBuilds checks that a run gives the models step one connection
// for each model DuckDB.ModelBuilds says may build at once.
func TestModelBuilds(t *testing.T) {
	for _, tt := range []struct{ builds, more int }{{0, wh.DefaultModelBuilds - 1}, {1, 0}, {3, 2}} {
		t.Run(fmt.Sprint(tt.builds), func(t *testing.T) {
			more := -1
			if _, err := runETL(t, "testdata/good", wh.Dir(t.TempDir()), func(o *Options) {
				o.Models, o.DuckDB.ModelBuilds = connModels{&more}, tt.builds
			}); err != nil {
				t.Fatal(err)
			}
			if more != tt.more {
				t.Errorf("model_builds %d: %d more connections, want %d", tt.builds, more, tt.more)
			}
		})
	}
}

// failingModels fails the models step, as a failing data test would.
type failingModels struct{}

func (failingModels) Build(ctx context.Context, env BuildEnv) (ModelsReport, error) {
	if _, err := env.Conn.ExecContext(ctx, "CREATE TABLE half_built AS SELECT 1 AS x"); err != nil {
		return ModelsReport{}, err
	}
	return ModelsReport{TestsFailed: []string{"deal_discounts: unique(deal_id)"}}, errors.New("data tests failed")
}

func TestFailedRunKeepsPublishedWarehouse(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	before := snapshot(t, data)
	src := t.TempDir()
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-9,New Co,smb\n")
	res, err := runETL(t, src, data, func(o *Options) { o.Models = failingModels{} })
	if err == nil || res.Status != runlog.Failed {
		t.Fatalf("got status %v err %v, want a failed run", res.Status, err)
	}
	g, err := data.Published()
	if err != nil || g.ID != 1 {
		t.Fatalf("published generation = %d (%v), want 1", g.ID, err)
	}
	if after := snapshot(t, data); !slices.Equal(before, after) {
		t.Errorf("failed run changed the published warehouse")
	}
	if _, err := os.Stat(data.Path(wh.LakeEntity("accounts", 2))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("failed run left a lake file (err %v)", err)
	}
	runs, err := runlog.Open(data.RunLog()).Runs("etl")
	if err != nil || len(runs) != 2 || runs[1].Status != runlog.Failed || !strings.Contains(runs[1].Error, "data tests failed") {
		t.Errorf("run log = %+v (%v), want run 2 recorded as failed", runs, err)
	}
	// The next run starts from generation 1 and loads the file again.
	res = mustRun(t, src, data)
	if res.Entities[0].RowsLoaded != 1 {
		t.Errorf("rerun after failure loaded %d accounts, want 1", res.Entities[0].RowsLoaded)
	}
}

func TestRunsDoNotOverlap(t *testing.T) {
	data := wh.Dir(t.TempDir())
	lock, err := runlog.TryLock(string(data), "etl")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	if _, err := runETL(t, "testdata/good", data); !errors.Is(err, runlog.ErrBusy) {
		t.Errorf("err = %v, want ErrBusy", err)
	}
}

func TestRequiredEntityMissing(t *testing.T) {
	src := t.TempDir()
	fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-1,A,smb\n")
	_, err := runETL(t, src, wh.Dir(t.TempDir()))
	if err == nil || !strings.Contains(err.Error(), "required entity deals has no rows") {
		t.Errorf("err = %v, want a message naming deals", err)
	}
}

// writeTruncatedParquet writes a valid Parquet file of reps and cuts it in half.
func writeTruncatedParquet(tb testing.TB, path string) {
	tb.Helper()
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("COPY (SELECT 'REP-9' AS rep_id, 'Nine' AS rep_name) TO ? (FORMAT parquet)", path); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b[:len(b)/2], 0o644); err != nil {
		tb.Fatal(err)
	}
}

// TestUnrecognisedVendorFile checks that a file that could be several
// vendor objects is not loaded, and that the run says why and ends with a
// warning rather than passing it over.
func TestUnrecognisedVendorFile(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	fixture.WriteFile(t, filepath.Join(src, "customers.csv"), "id\nc1\n")
	res, err := runETL(t, src, wh.Dir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != runlog.Warning {
		t.Errorf("status = %s, want %s", res.Status, runlog.Warning)
	}
	if len(res.Warnings) != 1 || !strings.HasPrefix(res.Warnings[0], "customers.csv: ") || !strings.Contains(res.Warnings[0], "vendors.files") {
		t.Errorf("warnings = %q, want one naming customers.csv and vendors.files", res.Warnings)
	}
	if !slices.Contains(res.Ignored, "customers.csv") {
		t.Errorf("ignored = %q, want customers.csv", res.Ignored)
	}
}

// TestFailedRunRemovesStaging fails runs at two points and checks that
// none of their build is left in the warehouse folder for the next run to
// find: no staging file, no write-ahead log, no generation that was
// renamed into place but never published.
func TestFailedRunRemovesStaging(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, data wh.Dir, o *Options)
	}{
		{"ModelsFail", func(_ *testing.T, _ wh.Dir, o *Options) { o.Models = failingModels{} }},
		{"PublishFails", func(t *testing.T, data wh.Dir, _ *Options) {
			// The link cannot be switched: its temporary twin is in the way.
			fixture.WriteFile(t, filepath.Join(data.Current()+".next", "in-the-way"), "x")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := wh.Dir(t.TempDir())
			mustRun(t, "testdata/good", data)
			src := t.TempDir()
			fixture.WriteFile(t, filepath.Join(src, "accounts.csv"), "account_id,account_name,segment\nACC-9,New Co,smb\n")
			if _, err := runETL(t, src, data, func(o *Options) { tt.setup(t, data, o) }); err == nil {
				t.Fatal("the run did not fail")
			}
			if left, _ := filepath.Glob(filepath.Join(data.Generations(), "gen-000002*")); len(left) > 0 {
				t.Errorf("the failed run left %v", left)
			}
			if _, err := os.Stat(data.Stage(2)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the failed run left its stage (err %v)", err)
			}
			if g, err := data.Published(); err != nil || g.ID != 1 {
				t.Errorf("published = %d (%v), want 1", g.ID, err)
			}
		})
	}
}

// TestSkippedFiles puts hidden files where a run looks, one of them named
// to pass for a path: each is reported as skipped with why, the run ends
// with a warning naming it, and none of their rows is read.
func TestSkippedFiles(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	sneaky := "account_id,account_name,segment\nACC-66,Sneaky,smb\n"
	fixture.WriteFile(t, filepath.Join(src, "..%2f...csv"), sneaky)
	fixture.WriteFile(t, filepath.Join(src, ".hidden", "accounts.csv"), sneaky)
	fixture.WriteFile(t, filepath.Join(src, "invoices", ".partial.csv"), "invoice_id\nINV-66\n")
	fixture.WriteFile(t, filepath.Join(src, "invoices", "2021.csv"), mustRead(t, "testdata/good/invoices.csv"))
	os.Remove(filepath.Join(src, "invoices.csv"))
	data := wh.Dir(t.TempDir())
	res := mustRun(t, src, data)
	if res.Status != runlog.Warning {
		t.Errorf("status = %s, want warning", res.Status)
	}
	want := []SkippedFile{
		{"..%2f...csv", "hidden file (its name starts with a dot): not read; rename it to load it"},
		{".hidden/", "hidden folder (its name starts with a dot): nothing in it is read; rename it to load its files"},
		{"invoices/.partial.csv", "hidden file (its name starts with a dot): not read; rename it to load it"},
	}
	if !slices.Equal(res.Skipped, want) {
		t.Errorf("skipped = %q, want %q", res.Skipped, want)
	}
	for _, s := range want {
		if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.HasPrefix(w, strconv.Quote(s.Path)+": skipped: hidden") }) {
			t.Errorf("no warning names %s: %q", s.Path, res.Warnings)
		}
	}
	db := fixture.OpenPublished(t, data)
	if n := queryInt(t, db, "SELECT count(*) FROM accounts WHERE account_id = 'ACC-66'"); n != 0 {
		t.Errorf("a hidden file's row was loaded")
	}
}

func mustRead(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestRunLogReadsResult checks that what the run log's readers see of an
// ETL run (runlog.ETLDetail) is what the loader wrote (Result).
func TestRunLogReadsResult(t *testing.T) {
	data := wh.Dir(t.TempDir())
	res := mustRun(t, "testdata/fx", data)
	runs, err := runlog.Open(data.RunLog()).Runs("etl")
	if err != nil || len(runs) != 1 {
		t.Fatalf("%d runs recorded (%v)", len(runs), err)
	}
	d := runs[0].ETL()
	read, loaded, quarantined := d.Totals()
	var wantRead, wantLoaded, wantQuarantined int64
	for _, e := range res.Entities {
		wantRead += e.RowsRead
		wantLoaded += e.RowsLoaded
		wantQuarantined += e.RowsQuarantined
	}
	if read != wantRead || loaded != wantLoaded || quarantined != wantQuarantined || wantQuarantined == 0 {
		t.Errorf("run log totals %d/%d/%d, result %d/%d/%d", read, loaded, quarantined, wantRead, wantLoaded, wantQuarantined)
	}
	if len(d.Files) != len(res.Files) || len(d.Warnings) != len(res.Warnings) || len(d.Entities) != len(res.Entities) {
		t.Errorf("run log has %d files, %d warnings, %d entities; result %d, %d, %d", len(d.Files), len(d.Warnings), len(d.Entities), len(res.Files), len(res.Warnings), len(res.Entities))
	}
}

// TestRevertedFileLoads: a file changed back to content an earlier run
// loaded (v1, v2, v1) is read again, since the newest load wins; a file
// renamed unchanged is not.
func TestRevertedFileLoads(t *testing.T) {
	data := wh.Dir(t.TempDir())
	src := fixture.CopySource(t, "testdata/good")
	path := filepath.Join(src, "accounts.csv")
	v1, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(v1), `"Blue Heron, Inc."`, `Blue Heron Group`, 1)
	name := func() string {
		return fixture.Value(t, fixture.OpenPublished(t, data), "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'")
	}
	mustRun(t, src, data)
	fixture.WriteFile(t, path, v2)
	mustRun(t, src, data)
	if got := name(); got != "Blue Heron Group" {
		t.Fatalf("after v2: ACC-2 = %q", got)
	}
	fixture.WriteFile(t, path, string(v1))
	res := mustRun(t, src, data)
	if got := name(); got != "Blue Heron, Inc." {
		t.Errorf("after v1 again: ACC-2 = %q, want v1's name", got)
	}
	if st := fileStatus(res, "accounts.csv"); st != FileLoaded {
		t.Errorf("accounts.csv reverted: status %q, want loaded", st)
	}
	if err := os.Mkdir(filepath.Join(src, "accounts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, filepath.Join(src, "accounts", "all.csv")); err != nil {
		t.Fatal(err)
	}
	res = mustRun(t, src, data)
	if st := fileStatus(res, "accounts/all.csv"); st != FileUnchanged {
		t.Errorf("accounts.csv moved to accounts/all.csv: status %q, want unchanged", st)
	}
}

func fileStatus(res *Result, path string) string {
	for _, f := range res.Files {
		if f.Path == path {
			return f.Status
		}
	}
	return ""
}

// TestReplacementFailingForeignKey: a newer row of a key that matches no
// parent supersedes nothing, so the key keeps its good row alike when the
// good row was loaded by an earlier run and when both come in one full
// refresh.
func TestReplacementFailingForeignKey(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	incremental, full := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
	mustRun(t, src, incremental)
	fixture.WriteFile(t, filepath.Join(src, "deals", "fix.csv"),
		"deal_id,account_id,rep_id,deal_type,stage,created_date,close_date,list_amount,net_amount,currency,term_months,approval_level,approved_at,discount_reason,precedent_deal_id\n"+
			"DEAL-1,ACC-404,REP-2,new,won,2021-02-01,2021-03-29,120000.00,90000.00,USD,12,vp,2021-03-28T16:20:00Z,end-of-quarter close,\n")
	mustRun(t, src, incremental)
	mustRun(t, src, full)
	for _, data := range []wh.Dir{incremental, full} {
		db := fixture.OpenPublished(t, data)
		if got := fixture.Value(t, db, "SELECT net_amount::INTEGER FROM deals WHERE deal_id = 'DEAL-1'"); got != "84000" {
			t.Errorf("%s: DEAL-1 net_amount %q, want the good row's 84000", data, got)
		}
		var file, reason string
		if err := db.QueryRow("SELECT source_file, reason FROM quarantine WHERE entity = 'deals' AND raw_values LIKE '%ACC-404%'").Scan(&file, &reason); err != nil {
			t.Fatalf("%s: quarantine of the new row: %v", data, err)
		}
		if file != "deals/fix.csv" || !strings.Contains(reason, "'ACC-404' matches no accounts.account_id") {
			t.Errorf("%s: quarantined %s: %s", data, file, reason)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM quarantine WHERE entity = 'deals'"); n != 1 {
			t.Errorf("%s: %d deals quarantined, want the new row only", data, n)
		}
	}
	if a, b := snapshot(t, incremental, "_run_id"), snapshot(t, full, "_run_id"); !slices.Equal(a, b) {
		t.Errorf("incremental and full refresh differ:\n%v\n%v", a, b)
	}
}

// TestSkipOrReadAgain: whether a file whose content was read before is
// passed over or read again, an incremental run ends as a full refresh of
// the same files does, when a correction in another file was loaded in
// between.
func TestSkipOrReadAgain(t *testing.T) {
	const v1 = "account_id,account_name,segment\nACC-2,One,mid_market\n"
	const fix = "account_id,account_name,segment\nACC-2,Fix,mid_market\n"
	dir := func(src string, name string) string { return filepath.Join(src, "accounts", name) }
	tests := []struct {
		name  string
		want  string                           // ACC-2's name
		steps []func(t *testing.T, src string) // one run after each
	}{
		{"RevertedOverRejectedContent", "Fix", []func(*testing.T, string){
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "a.csv"), v1) },
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "fix.csv"), fix) },
			// the required column misspelled: rejected
			func(t *testing.T, src string) {
				fixture.WriteFile(t, dir(src, "a.csv"), strings.Replace(v1, "account_id,", "acct_id,", 1))
			},
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "a.csv"), v1) },
		}},
		{"MovedBackOntoOldPath", "Fix", []func(*testing.T, string){
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "a.csv"), v1) },
			func(t *testing.T, src string) { rename(t, dir(src, "a.csv"), dir(src, "b.csv")) },
			func(t *testing.T, src string) {
				fixture.WriteFile(t, dir(src, "b.csv"), strings.Replace(v1, "One", "Two", 1))
			},
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "fix.csv"), fix) },
			func(t *testing.T, src string) { rename(t, dir(src, "b.csv"), dir(src, "a.csv")) },
		}},
		// b.csv, loaded in the same run as a.csv, changes to a.csv's content.
		{"ChangedToContentOfTheSameRun", "One", []func(*testing.T, string){
			func(t *testing.T, src string) {
				fixture.WriteFile(t, dir(src, "a.csv"), strings.Replace(fix, "Fix", "One", 1))
				fixture.WriteFile(t, dir(src, "b.csv"), strings.Replace(fix, "Fix", "Two", 1))
			},
			func(t *testing.T, src string) {
				fixture.WriteFile(t, dir(src, "b.csv"), strings.Replace(fix, "Fix", "One", 1))
			},
		}},
		// b.csv takes a.csv's content (read again), then its own again.
		{"BackAfterTakingAnotherFilesContent", "Fix", []func(*testing.T, string){
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "a.csv"), v1) },
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "b.csv"), fix) },
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "b.csv"), v1) },
			func(t *testing.T, src string) { fixture.WriteFile(t, dir(src, "b.csv"), fix) },
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "testdata/good")
			inc, full := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
			for _, step := range tt.steps {
				step(t, src)
				mustRun(t, src, inc)
			}
			mustRun(t, src, full)
			name := fixture.Value(t, fixture.OpenPublished(t, inc), "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'")
			if want := fixture.Value(t, fixture.OpenPublished(t, full), "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'"); name != want || name != tt.want {
				t.Errorf("ACC-2 = %q, want %q as a full refresh of the same files has (%q)", name, tt.want, want)
			}
		})
	}
}

func rename(tb testing.TB, from, to string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.Rename(from, to); err != nil {
		tb.Fatal(err)
	}
}

// TestSelfReferenceChainSupersedesNothing: a newer row whose self
// reference names a row of the same load that fails a foreign key
// supersedes nothing, so the key keeps its good row in one full refresh as
// in an incremental run, and so do the rows that refer to it.
func TestSelfReferenceChainSupersedesNothing(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	inc, full := wh.Dir(t.TempDir()), wh.Dir(t.TempDir())
	mustRun(t, src, inc)
	fixture.WriteFile(t, filepath.Join(src, "contracts", "fix.csv"),
		"contract_id,account_id,deal_id,start_date,end_date,arr,currency,auto_renew,renews_contract_id,signed_date,scope_text,has_side_letter\n"+
			"CTR-9,ACC-404,DEAL-2,2021-04-01,2022-03-31,1000.00,USD,yes,,2021-03-29,x,no\n"+
			"CTR-2,ACC-1,DEAL-2,2022-04-01,2023-03-31,99999.00,USD,yes,CTR-9,2022-03-30,y,yes\n")
	mustRun(t, src, inc)
	mustRun(t, src, full)
	for _, data := range []wh.Dir{inc, full} {
		db := fixture.OpenPublished(t, data)
		if n := queryInt(t, db, "SELECT count(*) FROM contracts WHERE contract_id = 'CTR-2' AND arr < 99999"); n != 1 {
			t.Errorf("%s: %d good CTR-2 rows, want the earlier one kept", data, n)
		}
		if n := queryInt(t, db, "SELECT count(*) FROM quarantine WHERE source_file = 'contracts/fix.csv'"); n != 2 {
			t.Errorf("%s: %d rows of contracts/fix.csv quarantined, want both", data, n)
		}
	}
	if a, b := snapshot(t, inc, "_run_id"), snapshot(t, full, "_run_id"); !slices.Equal(a, b) {
		t.Errorf("incremental and full refresh differ:\n%v\n%v", a, b)
	}
}
