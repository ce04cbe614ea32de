package dashboard

import (
	"context"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/dashboard/report"
	"github.com/precedent-dev/precedent/internal/fixture"
)

func TestReportPages(t *testing.T) {
	// Two reports: 2026-W46 and, before it, 2026-W38.
	atRisk := archiveReports(t, "2026-W38", "2026-W46")
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	tests := []struct {
		path string
		code int
		want string
	}{
		{"/reports", http.StatusOK, `href="/reports/2026-W46"`},
		{"/reports/2026-W46", http.StatusOK, "renewal_entered_90d"},
		{"/reports/2026-W46/files/report.html", http.StatusOK, "Precedent weekly report 2026-W46"},
		{"/reports/2026-W46/files/renewals.csv", http.StatusOK, "contract_id,account_id"},
		{"/reports/2026-W45", http.StatusNotFound, ""},
		{"/reports/2026-W46/files/..%2f..%2fruns.jsonl", http.StatusNotFound, ""},
		{"/reports/2026-W46/files/send.json", http.StatusNotFound, ""},
		{"/reports/nonsense", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		code, body, _ := c.get(tt.path)
		if code != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("GET %s = %d, want %d with %q", tt.path, code, tt.code, tt.want)
		}
	}
	_, body, _ := c.get("/reports/2026-W46")
	if strings.Count(body, `class="chart" id=`) != 2 {
		t.Errorf("the report page does not draw its two charts")
	}
	if !strings.Contains(body, `<div class="summary"><p>ARR at high renewal risk`) || !strings.Contains(body, `<a href="/accounts/ACC-`) {
		t.Errorf("the report page has no summary or no links to the accounts")
	}
	// The list compares each report's ARR at high risk with the report
	// before it.
	_, body, _ = c.get("/reports")
	change := (&report.Report{AtRisk: atRisk[1], AtRiskWas: atRisk[0]}).AtRiskChange()
	row := html.UnescapeString(regexp.MustCompile(`(?s)<a href="/reports/2026-W46">.*?</tr>`).FindString(body))
	if !strings.Contains(body, "Change vs the previous report") || !strings.Contains(row, ">"+change+"</td>") {
		t.Errorf("the 2026-W46 row does not show the change %s from 2026-W38:\n%s", change, row)
	}
	if change == "same" {
		t.Errorf("the two reports have the same ARR at high risk: the test cannot see the change")
	}
}

// archiveReports builds the weeks' reports from the test warehouse into its
// reports folder, as precedent report does, and returns each one's ARR at
// high risk.
func archiveReports(t *testing.T, weeks ...string) []float64 {
	t.Helper()
	g, err := testData.Published()
	if err != nil {
		t.Fatal(err)
	}
	db, err := fixture.Published(context.Background(), testData)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var atRisk []float64
	for _, week := range weeks {
		w, err := report.ParseWeek(week)
		if err != nil {
			t.Fatal(err)
		}
		r, err := report.Build(context.Background(), db, w, report.Freshness{Generation: g.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := report.Dir(testData.Reports(), w).Write(r, ""); err != nil {
			t.Fatal(err)
		}
		atRisk = append(atRisk, r.AtRisk)
	}
	return atRisk
}
