package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// run runs the program in-process and returns what it printed.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Now: func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }}
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

func mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errs, err := run(t, stdin, args...)
	if err != nil {
		t.Fatalf("precedent %s: %v\n%s\n%s", strings.Join(args, " "), err, out, errs)
	}
	return out
}

// loaded returns a data directory with the good fixture loaded, and a
// config file that points at it.
func loaded(t *testing.T) (data, cfg string) {
	t.Helper()
	dir := t.TempDir()
	data = filepath.Join(dir, "data")
	cfg = filepath.Join(dir, "precedent.yaml")
	conf := "data: " + data + "\nmodels_dir: " + filepath.Join(dir, "models") + "\nas_of: 2022-06-30\nsource: ../../etl/testdata/good\n"
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "", "etl", "--config", cfg, "--source", "../../etl/testdata/good")
	if !strings.Contains(out, "run 1: success") {
		t.Fatalf("etl output:\n%s", out)
	}
	return data, cfg
}

func TestETLAndSQL(t *testing.T) {
	_, cfg := loaded(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"Table", []string{"sql", "SELECT deal_id, is_exception FROM deal_discounts ORDER BY deal_id"}, "DEAL-1   true"},
		{"CSV", []string{"sql", "--format", "csv", "SELECT account_name FROM accounts WHERE account_id = 'ACC-2'"}, "account_name\n\"Blue Heron, Inc.\"\n"},
		{"JSON", []string{"sql", "--format", "json", "SELECT 1.50::DECIMAL(18,2) AS amount, DATE '2026-01-02' AS d"}, `{"amount":1.5,"d":"2026-01-02"}`},
		{"Models", []string{"models"}, "deal_discounts  [marts]"},
		{"ModelsView", []string{"models"}, "stg_deals  [staging, view]"},
		{"ModelDetail", []string{"models", "deal_discounts"}, "days_to_quarter_end"},
		{"Lineage", []string{"models", "--lineage"}, "└── deals (source)"},
		{"DOT", []string{"models", "--dot"}, `"int_deals_enriched" -> "deal_discounts";`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := mustRun(t, "", append(tt.args, "--config", cfg)...)
			if !strings.Contains(out, tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

func TestSQLRefusals(t *testing.T) {
	_, cfg := loaded(t)
	outside := filepath.Join(t.TempDir(), "x.csv")
	for _, q := range []string{
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT content FROM read_text('/etc/passwd')",
		"COPY deals TO '" + outside + "'",
		"ATTACH '" + outside + ".duckdb' AS o",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET threads = 1",
		"CREATE TABLE x AS SELECT 1",
		"CREATE TEMP TABLE deal_discounts AS SELECT 'SPOOFED' AS deal_id",
		"CALL enable_logging(level='trace', storage='file', storage_path='" + filepath.Dir(outside) + "')",
		"SELECT * FROM enable_logging()",
		"PRAGMA enable_profiling",
		"SELECT 1; SELECT 2",
	} {
		_, _, err := run(t, "", "sql", "--config", cfg, q)
		if err == nil || !strings.Contains(err.Error(), "refused") {
			t.Errorf("%s: err = %v, want a refusal", q, err)
		}
	}
	if _, err := os.Stat(outside); !os.IsNotExist(err) {
		t.Errorf("COPY wrote %s", outside)
	}
	_, _, err := run(t, "", "sql", "--config", cfg, "--timeout", "50ms", "SELECT count(*) FROM range(10000000000) a")
	if err == nil || !strings.Contains(err.Error(), "ran longer than the 50ms limit and was stopped") {
		t.Errorf("long query: err = %v, want a timeout", err)
	}
	_, _, err = run(t, "", "sql", "--config", cfg, "--max-mb", "1", "SELECT repeat('x', 2000000) AS big")
	if err == nil || !strings.Contains(err.Error(), "result larger than 1 MB") {
		t.Errorf("large value: err = %v, want the byte budget's sentence", err)
	}
	// DuckDB's hints and caret line reach the analyst.
	_, _, err = run(t, "", "sql", "--config", cfg, "SELECT segmnt FROM deal_discounts")
	if err == nil || !strings.Contains(err.Error(), "Candidate bindings: ") || !strings.Contains(err.Error(), "LINE 1: SELECT segmnt") {
		t.Errorf("unknown column: err = %v, want DuckDB's hint and caret line", err)
	}
	out, errs, err := run(t, "", "sql", "--config", cfg, "--max-rows", "2", "SELECT * FROM range(10)")
	if err != nil || strings.Count(out, "\n") != 4 || !strings.Contains(errs, "stopped at 2 rows") {
		t.Errorf("row cap: %v\n%s\n%s", err, out, errs)
	}
}

func TestSQLShell(t *testing.T) {
	_, cfg := loaded(t)
	script := `.tables
.schema deal_discounts
select deal_id
  from deal_discounts
  where deal_id = 'DEAL-3';
.format csv
select count(*) as n from deals;
select * from read_text('/etc/passwd');
.nope
.quit
select 'not reached';
`
	out := mustRun(t, script, "sql", "--config", cfg)
	for _, want := range []string{
		"billing_reconciliation, contract_scope",                                      // .tables
		"stg_credit_notes, stg_deal_lines, stg_deals",                                 // .tables lists views too
		"ledger        etl_files, etl_lake_files, etl_options, etl_run_entities",      // the lake's checksums are a ledger
		"is_late_quarter      BOOLEAN        days_to_quarter_end < late_quarter_days", // .schema with docs
		"DEAL-3",                // a statement over three lines
		"n\n5\n",                // .format csv
		"error: refused",        // sandboxed
		"unknown command .nope", // help for typos
	} {
		if !strings.Contains(out, want) {
			t.Errorf("shell output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "not reached") {
		t.Errorf("shell ran past .quit")
	}
}

func TestSQLParquet(t *testing.T) {
	_, cfg := loaded(t)
	out := filepath.Join(t.TempDir(), "deals.parquet")
	_, errs, err := run(t, "", "sql", "--config", cfg, "--out", out, "SELECT * FROM deal_discounts ORDER BY deal_id")
	if err != nil || !strings.Contains(errs, "wrote 3 rows") {
		t.Fatalf("sql --out: %v %s", err, errs)
	}
	db, err := wh.Open(context.Background(), "", wh.Settings{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var first string
	if err := db.QueryRow("SELECT count(*), min(deal_id) FROM read_parquet(?)", out).Scan(&n, &first); err != nil || n != 3 || first != "DEAL-1" {
		t.Errorf("read back %d rows from %s, first %q (%v)", n, out, first, err)
	}
}

func TestConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "precedent.yaml")
	os.WriteFile(cfg, []byte("late_quarter_days: 7\ndiscount_policy_max:\n  smb: 0.1\nvendors:\n  categories:\n    fr: feature_request\n"), 0o644)
	out := mustRun(t, "", "config", "--config", cfg, "--as-of", "2026-01-31")
	for _, want := range []string{"late_quarter_days: 7", "smb: 0.1", "enterprise: 0.25", "as_of: \"2026-01-31\"", "- roadmap",
		"vendors:", "stripe_account_key: salesforce_account_id", "escalation_tags:", "fr: feature_request", "scope_question: scope_question"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
	// Analysts' models live with the data unless the file says otherwise.
	os.WriteFile(cfg, []byte("data: /srv/precedent\n"), 0o644)
	if out := mustRun(t, "", "config", "--config", cfg); !strings.Contains(out, "models_dir: /srv/precedent/models") {
		t.Errorf("models_dir does not follow data:\n%s", out)
	}
	bad := []struct{ file, want string }{
		{"late_quarter_days: 200\n", "late_quarter_days: 200 is not 0-92"},
		{"base_currency: dollars\n", "base_currency: \"dollars\" is not an ISO 4217 code"},
		{"risk_weights:\n  vibes: 10\n", "risk_weights.vibes: not a risk factor"},
		{"latequarter_days: 3\n", "field latequarter_days not found"},
		{"vendors:\n  categories:\n    fr: feature\n", `vendors.categories.fr: "feature" is not a ticket category`},
		{"vendors:\n  files:\n    x.csv: stripe/charges\n", `vendors.files.x.csv: "stripe/charges" is no vendor object`},
		{"vendors:\n  time_zones:\n    salesforce: Mars/Olympus\n", `vendors.time_zones.salesforce: "Mars/Olympus" is not an IANA time zone`},
		{"vendors:\n  fields:\n    salesforce/Contract:\n      side_letter: Side_Letter__c\n", `vendors.fields.salesforce/Contract.side_letter: contracts has no column "side_letter"`},
	}
	for _, b := range bad {
		os.WriteFile(cfg, []byte(b.file), 0o644)
		_, _, err := run(t, "", "config", "--config", cfg)
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%q: err = %v, want %q", b.file, err, b.want)
		}
	}
	if _, _, err := run(t, "", "config", "--as-of", "2026-13-01"); err == nil || !strings.Contains(err.Error(), "as_of") {
		t.Errorf("bad --as-of: err = %v", err)
	}
}

func TestReportCommand(t *testing.T) {
	data, cfg := loaded(t)
	out := mustRun(t, "", "report", "--config", cfg, "--week", "2021-W26")
	if want := "report written: " + filepath.Join(data, "reports", "2021-W26", "report.html"); !strings.Contains(out, want) {
		t.Fatalf("report printed %q, want %q", out, want)
	}
	for _, f := range []string{"report.html", "report.txt", "report.json", "counts.png", "arr.png", "exceptions.csv"} {
		if _, err := os.Stat(filepath.Join(data, "reports", "2021-W26", f)); err != nil {
			t.Errorf("report file %s: %v", f, err)
		}
	}
	txt, _ := os.ReadFile(filepath.Join(data, "reports", "2021-W26", "report.txt"))
	if !strings.Contains(string(txt), "2021-06-28 to 2021-07-04") {
		t.Errorf("report text:\n%s", txt)
	}
	runs, err := runlog.Open(filepath.Join(data, "runs.jsonl")).Runs("report")
	if err != nil || len(runs) != 1 || runs[0].Status != runlog.Success || runs[0].Trigger != "manual" {
		t.Errorf("report runs = %+v (%v)", runs, err)
	}
	if _, _, err := run(t, "", "report", "--config", cfg, "--week", "2021-W26", "--send"); err == nil || !strings.Contains(err.Error(), "smtp.host") {
		t.Errorf("--send without smtp: err = %v", err)
	}
	if _, _, err := run(t, "", "report", "--config", cfg, "--week", "2021-W99"); err == nil || !strings.Contains(err.Error(), "2021-W99") {
		t.Errorf("bad week: err = %v", err)
	}
	// --out keeps reports in a folder of the user's: each week in its own
	// subfolder, never touching what else is there.
	mine := t.TempDir()
	os.WriteFile(filepath.Join(mine, "notes.txt"), []byte("mine"), 0o644)
	mustRun(t, "", "report", "--config", cfg, "--week", "2021-W26", "--out", mine)
	mustRun(t, "", "report", "--config", cfg, "--week", "2021-W26", "--out", mine)
	if b, err := os.ReadFile(filepath.Join(mine, "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("--out lost a file already in the folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(mine, "2021-W26", "report.html")); err != nil {
		t.Errorf("--out: %v", err)
	}
	if _, _, err := run(t, "", "report", "--config", cfg, "--week", "2021-W26", "--out", mine, "--send"); err == nil || !strings.Contains(err.Error(), "without --out") {
		t.Errorf("--out with --send: err = %v", err)
	}
	if _, _, err := run(t, "", "run", "--config", cfg, "report"); err != nil {
		t.Errorf("run report: %v", err)
	}
	if _, _, err := run(t, "", "run", "--config", cfg, "etl"); err != nil {
		t.Errorf("run etl: %v", err)
	}
	runs, _ = runlog.Open(filepath.Join(data, "runs.jsonl")).Runs("")
	if len(runs) != 7 {
		t.Errorf("runs recorded = %d, want 7 (etl, 5 reports, etl)", len(runs))
	}
}
