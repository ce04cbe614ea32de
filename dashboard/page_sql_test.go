package dashboard

import (
	"bufio"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestSQLPageLink runs a query from its URL (GET /sql?q=...): with the
// analyst role only, in the same sandbox, written to the audit log, and
// the page shows the link that reopens it.
func TestSQLPageLink(t *testing.T) {
	audit := filepath.Join(t.TempDir(), "sql.jsonl")
	_, ts := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers, AuditLog: audit})
	analyst, viewer, anon := newClient(t, ts), newClient(t, ts), newClient(t, ts)
	analyst.login("ana")
	viewer.login("vera")
	q := "SELECT segment, count(*) AS deals FROM deal_discounts GROUP BY segment ORDER BY segment"
	link := "/sql?" + url.Values{"q": {q}}.Encode()

	t.Run("OK", func(t *testing.T) {
		code, body, _ := analyst.get(link)
		if code != http.StatusOK || !strings.Contains(body, ">enterprise</td>") {
			t.Fatalf("GET %s = %d, want 200 with the result:\n%.500s", link, code, body)
		}
		m := regexp.MustCompile(`href="([^"]+)"[^>]*>Link to this query<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the page shows no link to the query")
		}
		u, err := url.Parse(html.UnescapeString(m[1]))
		if err != nil || u.Path != "/sql" || u.Query().Get("q") != q {
			t.Errorf("the link %s does not reopen the query", m[1])
		}
	})
	t.Run("ErrRole", func(t *testing.T) {
		if code, _, _ := viewer.get(link); code != http.StatusForbidden {
			t.Errorf("viewer: %d, want 403", code)
		}
		if code, _, h := anon.get(link); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/login") {
			t.Errorf("signed out: %d to %q, want a redirect to /login", code, h.Get("Location"))
		}
	})
	t.Run("ErrSandbox", func(t *testing.T) {
		code, body, _ := analyst.get("/sql?q=" + url.QueryEscape("SELECT content FROM read_text('/etc/passwd')"))
		if code != http.StatusBadRequest || !strings.Contains(body, "refused") {
			t.Errorf("a file read from a link: %d, want 400 with a refusal", code)
		}
	})
	t.Run("Audit", func(t *testing.T) {
		f, err := os.Open(audit)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		var found bool
		for sc := bufio.NewScanner(f); sc.Scan(); {
			var e auditEntry
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Statement == q && e.User == "ana" && e.Action == "query" && e.Rows == 3 {
				found = true
			}
		}
		if !found {
			t.Errorf("the audit log lacks ana's query from the link")
		}
	})
}

// TestSQLPageNumbers right-aligns numbers and writes them for people.
func TestSQLPageNumbers(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	q := `SELECT 'west' AS region, DATE '2026-01-31' AS day, 1391256.8::DOUBLE AS arr, 2.1450000000000005::DOUBLE AS ratio,
		1234567 AS deals, 1391256.80::DECIMAL(18,2) AS booked, 0.123456789::DOUBLE AS share`
	code, body, _ := c.get("/sql?q=" + url.QueryEscape(q))
	if code != http.StatusOK {
		t.Fatalf("GET = %d", code)
	}
	for _, want := range []string{
		`<td>west</td>`, `<td>2026-01-31</td>`, `<td class="num">1,391,256.80</td>`, `<td class="num">2.145</td>`,
		`<td class="num">1,234,567</td>`, `<td class="num">1,391,256.80</td>`, `<td class="num">0.1235</td>`, `<th class="num">arr</th>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the result lacks %s", want)
		}
	}
}

// TestChartAxes picks x = the first text or date column and y = the first
// numeric one when the request names none (or names columns the result
// lacks), and keeps the axes asked for.
func TestChartAxes(t *testing.T) {
	rows := &wh.Rows{Columns: []string{"n", "segment", "mean_discount"}, Types: []string{"BIGINT", "VARCHAR", "DOUBLE"}}
	dated := &wh.Rows{Columns: []string{"deals", "week"}, Types: []string{"BIGINT", "DATE"}}
	for _, tt := range []struct {
		name         string
		rows         *wh.Rows
		x, y         string
		wantX, wantY string
	}{
		{"FirstRun", rows, "", "", "segment", "n"},
		{"Kept", rows, "n", "mean_discount", "n", "mean_discount"},
		{"Stale", rows, "gone", "also_gone", "segment", "n"},
		{"Date", dated, "", "", "week", "deals"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if x, y := chartAxes(tt.rows, tt.x, tt.y); x != tt.wantX || y != tt.wantY {
				t.Errorf("got x %s, y %s; want x %s, y %s", x, y, tt.wantX, tt.wantY)
			}
		})
	}
	// The page's first run draws the chart with those axes.
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	_, body, _ := c.get("/sql?q=" + url.QueryEscape("SELECT count(*) AS deals, segment FROM deal_discounts GROUP BY segment ORDER BY segment"))
	if !regexp.MustCompile(`name="x">(<option >[^<]*</option>)*<option selected>segment</option>`).MatchString(body) || !strings.Contains(body, `id="result"`) {
		t.Errorf("first run: no chart of deals by segment")
	}
}
