package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestAnalystCannotChangeWhatOthersSee runs, as an analyst on the SQL page,
// the statements the security review used to spoof data, break every
// query and abort the server, then checks a viewer's answers before and
// after a publish.
func TestAnalystCannotChangeWhatOthersSee(t *testing.T) {
	live := newLiveSource(t)
	data := live.data
	audit := filepath.Join(t.TempDir(), "audit", "sql.jsonl")
	s, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0", Users: testUsers, Refresh: 20 * time.Millisecond, AuditLog: audit})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go s.wh.watch(ctx, 20*time.Millisecond)
	viewer, analyst := newClient(t, ts), newClient(t, ts)
	viewer.login("vera")
	analyst.login("ana")
	accounts := func(query string) []map[string]any {
		t.Helper()
		code, body, _ := viewer.get("/api/v1/models/account_summary" + query)
		var res struct{ Rows []map[string]any }
		if err := json.Unmarshal([]byte(body), &res); code != http.StatusOK || err != nil {
			t.Fatalf("viewer's API answer: %d %v %.300s", code, err, body)
		}
		return res.Rows
	}
	if n := len(accounts("")); n != 3 {
		t.Fatalf("accounts = %d, want 3", n)
	}
	logs := t.TempDir()
	for _, q := range []string{
		"create temp table account_summary as select 'SPOOFED' as account_id, 'SPOOFED' as account_name",
		"CREATE TEMPORARY VIEW deal_discounts AS SELECT 'SPOOFED' AS deal_id",
		"CALL enable_logging(level='trace', storage='file', storage_path='" + logs + "')",
		"SELECT * FROM enable_logging(level='trace', storage='file', storage_path='" + logs + "')",
		"pragma enable_profiling",
		"SET VARIABLE x = 1",
		"select 1; create temp table t as select 1",
		"/* a comment */ CALL disable_logging()",
	} {
		code, body, _ := analyst.post("/sql", "/sql", url.Values{"query": {q}})
		if code != http.StatusBadRequest || !strings.Contains(body, "refused") {
			t.Errorf("%s: %d, want 400 with a refusal", q, code)
		}
	}
	if entries, _ := os.ReadDir(logs); len(entries) > 0 {
		t.Errorf("the refused logging call wrote %d files", len(entries))
	}
	// Uncached answers (a page size not asked for before) and pages.
	for _, r := range accounts("?page_size=7") {
		if r["account_id"] == "SPOOFED" {
			t.Errorf("the viewer sees a spoofed account")
		}
	}
	if code, body, _ := viewer.get("/accounts"); code != http.StatusOK || strings.Contains(body, "SPOOFED") {
		t.Errorf("accounts page: %d, spoofed %v", code, strings.Contains(body, "SPOOFED"))
	}
	// A statement that is allowed leaves nothing behind either.
	if code, _, _ := analyst.post("/sql", "/sql", url.Values{"query": {"SELECT count(*) AS n FROM account_summary"}}); code != http.StatusOK {
		t.Errorf("a plain query: %d", code)
	}
	// Through a publish the server stays up and serves the new generation.
	live.addAccount()
	waitForGeneration(t, viewer, 2)
	if n := len(accounts("?page_size=9")); n != 4 {
		t.Errorf("after the publish accounts = %d, want 4", n)
	}
	// Every statement is in the audit log with who ran it.
	b, err := os.ReadFile(audit)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var last auditEntry
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 9 || last.User != "ana" || last.Statement != "SELECT count(*) AS n FROM account_summary" || last.Rows != 1 || last.Action != "query" {
		t.Errorf("audit log: %d lines, last %+v", len(lines), last)
	}
	if !strings.Contains(lines[0], `"error":"refused`) {
		t.Errorf("the audit log does not record the refusal: %s", lines[0])
	}
	if fi, err := os.Stat(audit); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("audit log mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestBoundedAnswers checks the SQL page's answers stay within their
// budgets whatever the statement, and that limits speak in sentences.
func TestBoundedAnswers(t *testing.T) {
	_, ts := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", ResultBytes: 1 << 20, QueryTimeout: time.Minute})
	c := newClient(t, ts)
	_, quick := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", QueryTimeout: 300 * time.Millisecond})
	tests := []struct {
		name, query string
		code        int
		want, not   string
		server      *httptest.Server
	}{
		// A value 200 times the budget: DuckDB stops before handing it over.
		{"OneHugeValue", "select repeat('x', 200000000) AS big", http.StatusBadRequest, "result larger than 1 MB: narrow the query or export it", "xxxxxxxxxx", nil},
		{"ManyRows", "SELECT repeat('y', 100) || n AS t FROM range(200000) r(n) ORDER BY n DESC", http.StatusOK, "next →", "", nil},
		{"Parenthesised", "(SELECT n FROM range(120) r(n))", http.StatusOK, "next →", "<td>50</td>", nil},
		{"Comment", "-- first fifty\nSELECT n FROM range(120) r(n)", http.StatusOK, "next →", "<td>50</td>", nil},
		{"LongCell", "SELECT repeat('z', 5000) AS t", http.StatusOK, "4000 more characters; export to see all", "", nil},
		{"Timeout", "SELECT count(*) FROM range(10000000000) a", http.StatusBadRequest, "ran longer than the 300ms limit and was stopped", "context deadline exceeded", quick},
		{"Explain", "EXPLAIN SELECT * FROM deal_discounts", http.StatusOK, "physical_plan", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl := c
			if tt.server != nil {
				cl = newClient(t, tt.server)
			}
			code, body, _ := cl.post("/sql", "/sql", url.Values{"query": {tt.query}})
			if code != tt.code || !strings.Contains(body, tt.want) || tt.not != "" && strings.Contains(body, tt.not) {
				t.Errorf("%d, want %d with %q and without %q: %.400s", code, tt.code, tt.want, tt.not, body)
			}
			if len(body) > 1<<20+200<<10 {
				t.Errorf("the page is %d bytes, over the 1 MB budget and the page around it", len(body))
			}
		})
	}
	// Exports get their own, larger budget, and the same sentence past it.
	code, body, _ := c.post("/sql/export", "/sql", url.Values{"query": {"select repeat('x', 300000000) AS big"}, "format": {"csv"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "result larger than 256 MB") {
		t.Errorf("csv export of a huge value: %d %.200s", code, body)
	}
}

// TestAPICacheBounded sends the review's two hundred distinct requests and
// checks what the server keeps: one entry for URLs that differ only in
// parameters the API does not know, and never more bytes than the budget.
func TestAPICacheBounded(t *testing.T) {
	const budget = 8 << 20
	s, ts := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", APICacheBytes: budget})
	c := newClient(t, ts)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 200 {
		if code, body, _ := c.get(fmt.Sprintf("/api/v1/models/deal_discounts?page_size=100000&junk=%d", i)); code != http.StatusOK {
			t.Fatalf("request %d: %d %.200s", i, code, body)
		}
	}
	if n, _ := s.apiAnswers.held(); n != 1 {
		t.Errorf("200 URLs differing in an unknown parameter hold %d cache entries, want 1", n)
	}
	for i := range 200 {
		c.get(fmt.Sprintf("/api/v1/models/deal_discounts?page_size=100000&page=%d", i+2))
		c.get(fmt.Sprintf("/api/v1/models/account_summary?page_size=%d", 100+i))
		if _, n := s.apiAnswers.held(); n > budget {
			t.Fatalf("the cache holds %d bytes, over its %d budget", n, budget)
		}
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	// The stated figure: the cache's budget plus 32 MB for everything else
	// a test server holds (the review's 200 requests grew the heap by 6 GB).
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > budget+32<<20 {
		t.Errorf("the heap grew by %d MB over 600 requests", grew>>20)
	}
	for path, want := range map[string]int{
		"/api/v1/models/deal_discounts?page=9223372036854775807": http.StatusBadRequest,
		"/api/v1/models/deal_discounts?page=0":                   http.StatusBadRequest,
		"/api/v1/models/deal_discounts?page=-1":                  http.StatusBadRequest,
		"/api/v1/models/deal_discounts?page_size=0":              http.StatusBadRequest,
		"/api/v1/models/deal_discounts?page_size=2147483648":     http.StatusBadRequest,
		"/api/v1/models/deal_discounts?page_size=100001":         http.StatusOK,
		"/api/v1/models/deal_discounts?page=1000000":             http.StatusOK,
		"/exceptions?page=9223372036854775807":                   http.StatusBadRequest,
		"/accounts?page=abc":                                     http.StatusBadRequest,
	} {
		if code, body, _ := c.get(path); code != want {
			t.Errorf("GET %s = %d, want %d: %.200s", path, code, want, body)
		}
	}
}

// TestCSVNeutralised checks every CSV the dashboard writes for people:
// a cell a spreadsheet would run as a formula starts with a quote, and
// negative numbers stay numbers.
func TestCSVNeutralised(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	formula := `=HYPERLINK(""http://evil` // as CSV writes the account name
	for _, path := range []string{"/exceptions.csv", "/api/v1/models/account_summary?format=csv"} {
		code, body, _ := c.get(path)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, code)
		}
		if !strings.Contains(body, `"'`+formula) || strings.Contains(body, `"`+formula) {
			t.Errorf("%s: the formula name is not neutralised", path)
		}
	}
	code, body, _ := c.post("/sql/export", "/sql", url.Values{"query": {"SELECT '=1+2' AS \"=f\", '@SUM(A1)' AS a, '+1 555' AS p, '\tx' AS tab, -5 AS n, '-12.50' AS money, 'plain' AS s"}, "format": {"csv"}})
	want := "'=f,a,p,tab,n,money,s\n'=1+2,'@SUM(A1),'+1 555,'\tx,-5,-12.50,plain\n"
	if code != http.StatusOK || body != want {
		t.Errorf("sql export: %d\n%q\nwant\n%q", code, body, want)
	}
}

// held reports the entries and bytes held.
func (c *genCache[V]) held() (int, int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.bytes
}
