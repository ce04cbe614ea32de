package dashboard

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/dashboard/report"
	"github.com/precedent-dev/precedent/internal/fixture"
)

func TestReportPages(t *testing.T) {
	g, err := testData.Published()
	if err != nil {
		t.Fatal(err)
	}
	db, err := fixture.Published(context.Background(), testData)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := report.ParseWeek("2026-W46")
	r, err := report.Build(context.Background(), db, w, report.Freshness{Generation: g.ID})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if err := report.Dir(testData.Reports(), w).Write(r, ""); err != nil {
		t.Fatal(err)
	}
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
}
