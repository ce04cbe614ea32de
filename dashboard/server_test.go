package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/dashboard/auth"
	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// testUsers are one user of each role; every password is "correct horse <name>".
var testUsers = func() []auth.User {
	var out []auth.User
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"vera", auth.Viewer}, {"ana", auth.Analyst}, {"adam", auth.Admin}} {
		h, err := auth.HashPassword("correct horse " + u.name)
		if err != nil {
			panic(err)
		}
		out = append(out, auth.User{Name: u.name, Role: u.role, PasswordHash: h})
	}
	return out
}()

// triggered records runs started from the Runs page.
type triggered struct{ kinds []string }

// Trigger starts each kind once; the runs it starts never end.
func (t *triggered) Trigger(_ context.Context, kind string) error {
	if slices.Contains(t.kinds, kind) {
		return ErrBusy
	}
	t.kinds = append(t.kinds, kind)
	return nil
}

func newServer(t *testing.T, users []auth.User, runs Runs) (*Server, *httptest.Server) {
	t.Helper()
	return newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: users, Runs: runs})
}

func newServerWith(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() { ts.Close(); s.wh.close() })
	return s, ts
}

// client is a browser-like client: it keeps cookies and does not follow
// redirects, so tests see them.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, ts *httptest.Server) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: ts.URL, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) get(path string) (int, string, http.Header) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// post submits a form, with the CSRF token of page (a path to GET first)
// unless page is "".
func (c *client) post(path, page string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	if page != "" {
		_, body, _ := c.get(page)
		m := csrfRe.FindStringSubmatch(body)
		if m == nil {
			c.t.Fatalf("no CSRF token on %s", page)
		}
		form.Set("csrf", m[1])
	}
	resp, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (c *client) login(name string) {
	c.t.Helper()
	code, body, h := c.post("/login", "/login", url.Values{"username": {name}, "password": {"correct horse " + name}, "next": {"/"}})
	if code != http.StatusSeeOther || h.Get("Location") != "/" {
		c.t.Fatalf("login %s: %d %s", name, code, body)
	}
}

var pages = []string{"/", "/discounts", "/scope", "/billing", "/accounts", "/accounts/ACC-000003", "/exceptions", "/runs", "/runs/quarantine", "/sql",
	"/discounts?graph=rep", "/discounts?segment=enterprise&from=FY2024-Q1&to=FY2025-Q4", "/accounts?q=alert", "/exceptions?kind=late_quarter_exception&sort=amount&dir=asc"}

func TestPagesRender(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	for _, p := range pages {
		code, body, h := c.get(p)
		if code != http.StatusOK {
			t.Errorf("GET %s = %d\n%s", p, code, body[:min(len(body), 500)])
			continue
		}
		if !strings.Contains(body, "Demo mode: no login") {
			t.Errorf("GET %s: demo mode not said in the header", p)
		}
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("GET %s: CSP = %q", p, csp)
		}
		for _, hdr := range []string{"X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
			if h.Get(hdr) == "" {
				t.Errorf("GET %s: no %s", p, hdr)
			}
		}
		if strings.Contains(body, "<script>") && !strings.Contains(body, `<script src="/assets/`) {
			t.Errorf("GET %s: an inline script", p)
		}
	}
	// Charts carry their option as escaped JSON.
	_, body, _ := c.get("/discounts")
	if n := strings.Count(body, `class="chart" id=`); n < 4 {
		t.Errorf("discounts page has %d charts, want at least 4", n)
	}
	// The overview draws the 26 weeks of the risk history.
	_, body, _ = c.get("/")
	trend := regexp.MustCompile(`id="risk-trend" data-option="([^"]*)"`).FindStringSubmatch(body)
	if trend == nil {
		t.Fatalf("the overview has no risk-trend chart")
	}
	if weeks := regexp.MustCompile(`\d{4}-W\d{2}`).FindAllString(html.UnescapeString(trend[1]), -1); len(weeks) != 26 {
		t.Errorf("the risk-trend chart has %d weeks, want 26: %v", len(weeks), weeks)
	}
}

// TestEscaping loads accounts named like script injections and checks no
// page carries them unescaped: not in HTML, attributes or chart JSON.
func TestEscaping(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	raw := []string{`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `"};alert(1);//`}
	for _, p := range pages {
		_, body, _ := c.get(p)
		for _, r := range raw {
			if strings.Contains(body, r) {
				t.Errorf("GET %s carries %q unescaped", p, r)
			}
		}
	}
	_, body, _ := c.get("/accounts?q=alert")
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("accounts list does not show the escaped name")
	}
	// The API serves the names as JSON data, exactly as loaded.
	_, body, h := c.get("/api/v1/models/account_summary?page_size=3")
	var res struct{ Rows []map[string]any }
	if err := json.Unmarshal([]byte(body), &res); err != nil || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("API answer: %v %s", err, h.Get("Content-Type"))
	}
	for _, r := range res.Rows {
		name, _ := r["account_name"].(string)
		if !slices.ContainsFunc(xssNames, func(x string) bool { return strings.HasPrefix(name, x) }) {
			t.Errorf("API account_name %q is not one of the loaded names", name)
		}
	}
}

func TestAuth(t *testing.T) {
	run := &triggered{}
	_, ts := newServer(t, testUsers, run)
	tests := []struct {
		name, user, path string
		want             int
	}{
		{"AnonymousRedirected", "", "/", http.StatusSeeOther},
		{"AnonymousAPI", "", "/api/v1/metrics", http.StatusUnauthorized},
		{"HealthIsPublic", "", "/healthz", http.StatusOK},
		{"ViewerDashboards", "vera", "/discounts", http.StatusOK},
		{"ViewerNoSQL", "vera", "/sql", http.StatusForbidden},
		{"ViewerNoExport", "vera", "/exceptions.csv", http.StatusForbidden},
		{"ViewerNoCSVAPI", "vera", "/api/v1/models/deal_discounts?format=csv", http.StatusForbidden},
		{"AnalystSQL", "ana", "/sql", http.StatusOK},
		{"AnalystExport", "ana", "/exceptions.csv", http.StatusOK},
		{"AdminSQL", "adam", "/sql", http.StatusOK},
		{"ViewerUnknownPath", "vera", "/no-such-page", http.StatusNotFound},
		{"AnalystUnknownPath", "ana", "/favicon.ico", http.StatusNotFound},
		{"AdminUnknownPath", "adam", "/no-such-page", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(t, ts)
			if tt.user != "" {
				c.login(tt.user)
			}
			if code, body, _ := c.get(tt.path); code != tt.want {
				t.Errorf("GET %s as %q = %d, want %d\n%.300s", tt.path, tt.user, code, tt.want, body)
			}
		})
	}
	t.Run("WrongPassword", func(t *testing.T) {
		c := newClient(t, ts)
		code, body, _ := c.post("/login", "/login", url.Values{"username": {"ana"}, "password": {"wrong"}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "Wrong user name or password") {
			t.Errorf("wrong password: %d", code)
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		c := newClient(t, ts)
		c.login("adam")
		if code, _, _ := c.post("/runs/trigger", "", url.Values{"kind": {"etl"}}); code != http.StatusForbidden && code != http.StatusBadRequest {
			t.Errorf("POST without CSRF token = %d, want refused", code)
		}
		if len(run.kinds) != 0 {
			t.Errorf("a run started without a CSRF token")
		}
		code, _, h := c.post("/runs/trigger", "/runs", url.Values{"kind": {"etl"}})
		if code != http.StatusSeeOther || len(run.kinds) != 1 {
			t.Fatalf("admin trigger: %d %v %s", code, run.kinds, h.Get("Location"))
		}
		if _, body, _ := c.get(h.Get("Location")); !strings.Contains(body, "etl run started.") {
			t.Errorf("the Runs page does not say the run started")
		}
		_, _, h = c.post("/runs/trigger", "/runs", url.Values{"kind": {"etl"}})
		if _, body, _ := c.get(h.Get("Location")); !strings.Contains(body, "etl run not started: one is already going.") {
			t.Errorf("the Runs page does not say a run is already going (%s)", h.Get("Location"))
		}
		// A link cannot put words of its own on the page.
		if _, body, _ := c.get("/runs?run=etl&result=" + url.QueryEscape("Your password expired: call 555-0100") + "&message=Call+555-0100"); strings.Contains(body, "555-0100") {
			t.Errorf("the Runs page shows text from its URL")
		}
	})
	t.Run("AnalystCannotTrigger", func(t *testing.T) {
		c := newClient(t, ts)
		c.login("ana")
		if code, _, _ := c.post("/runs/trigger", "/runs", url.Values{"kind": {"etl"}}); code != http.StatusForbidden {
			t.Errorf("analyst trigger = %d, want 403", code)
		}
	})
	t.Run("Logout", func(t *testing.T) {
		c := newClient(t, ts)
		c.login("vera")
		if code, _, _ := c.post("/logout", "/", url.Values{}); code != http.StatusSeeOther {
			t.Errorf("logout = %d", code)
		}
		if code, _, _ := c.get("/"); code != http.StatusSeeOther {
			t.Errorf("after logout GET / = %d, want a redirect to login", code)
		}
	})
	t.Run("SessionCookie", func(t *testing.T) {
		c := newClient(t, ts)
		form := url.Values{"username": {"vera"}, "password": {"correct horse vera"}}
		_, body, _ := c.get("/login")
		form.Set("csrf", csrfRe.FindStringSubmatch(body)[1])
		resp, err := c.http.PostForm(ts.URL+"/login", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var found bool
		for _, ck := range resp.Cookies() {
			if ck.Name == auth.CookieName {
				found = true
				if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
					t.Errorf("session cookie %+v", ck)
				}
			}
		}
		if !found {
			t.Errorf("no session cookie")
		}
	})
}

func TestNoUsersOnNetwork(t *testing.T) {
	for _, addr := range []string{":8080", "0.0.0.0:8080", "192.168.1.5:80"} {
		if _, err := New(Options{Data: testData, Addr: addr}); !errors.Is(err, ErrNoUsers) {
			t.Errorf("%s without users: err = %v, want ErrNoUsers", addr, err)
		}
		if _, err := New(Options{Data: testData, Addr: addr, InsecureNoAuth: true}); err != nil {
			t.Errorf("%s with --insecure-no-auth: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:9000", "[::1]:8080"} {
		if _, err := New(Options{Data: testData, Addr: addr}); err != nil {
			t.Errorf("%s without users: %v", addr, err)
		}
	}
}

func TestAPI(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	code, body, _ := c.get("/api/v1/models/deal_discounts?segment=smb&page_size=5")
	if code != http.StatusOK {
		t.Fatalf("GET model = %d %s", code, body)
	}
	var res struct {
		Rows    []map[string]any `json:"rows"`
		HasMore bool             `json:"has_more"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 5 || !res.HasMore {
		t.Errorf("got %d rows, has_more %v", len(res.Rows), res.HasMore)
	}
	for _, r := range res.Rows {
		if r["segment"] != "smb" {
			t.Errorf("filter not applied: segment %v", r["segment"])
		}
	}
	for path, want := range map[string]int{
		"/api/v1/models/no_such_mart":                       http.StatusNotFound,
		"/api/v1/models/stg_deals":                          http.StatusNotFound,
		"/api/v1/models/deal_discounts?format=xml":          http.StatusBadRequest,
		"/api/v1/models/headline_metrics?format=csv":        http.StatusOK,
		"/api/v1/models/renewal_risk?format=parquet":        http.StatusOK,
		"/api/v1/metrics":                                   http.StatusOK,
		"/readyz":                                           http.StatusOK,
		"/metrics":                                          http.StatusOK,
		"/api/v1/models/deal_discounts?from=FY2025-Q1&to=x": http.StatusBadRequest,
	} {
		if code, body, _ := c.get(path); code != want {
			t.Errorf("GET %s = %d, want %d: %.200s", path, code, want, body)
		}
	}
	_, body, h := c.get("/api/v1/models/renewal_risk?format=parquet")
	if !strings.HasPrefix(body, "PAR1") || !strings.Contains(h.Get("Content-Disposition"), "renewal_risk.parquet") {
		t.Errorf("parquet download: %q %v", body[:min(4, len(body))], h)
	}
	_, body, _ = c.get("/metrics")
	for _, m := range []string{"precedent_http_request_duration_seconds", "precedent_etl_last_success_timestamp_seconds", "precedent_etl_last_rows_loaded", "precedent_etl_last_rows_quarantined"} {
		if !strings.Contains(body, m) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
}

func TestSQLPage(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	// The schema browser shows each model's description from its header.
	if _, body, _ := c.get("/sql"); !strings.Contains(body, "The renewal risk history: for each of the 26 complete ISO weeks") {
		t.Errorf("the schema browser lacks renewal_risk_weekly's description")
	}
	tests := []struct {
		name, query string
		code        int
		want        string
	}{
		{"Select", "SELECT segment, count(*) AS n FROM deal_discounts GROUP BY segment ORDER BY segment", http.StatusOK, "enterprise"},
		{"ReadFile", "SELECT * FROM read_csv('/etc/passwd')", http.StatusBadRequest, "refused: queries here cannot read or write files"},
		{"ReadText", "SELECT content FROM read_text('/etc/passwd')", http.StatusBadRequest, "refused"},
		{"Copy", "COPY deals TO '/tmp/precedent-leak.csv'", http.StatusBadRequest, "refused"},
		{"Attach", "ATTACH '/tmp/x.duckdb' AS x", http.StatusBadRequest, "refused"},
		{"Install", "INSTALL httpfs", http.StatusBadRequest, "refused"},
		{"Set", "SET threads = 1", http.StatusBadRequest, "settings cannot be changed"},
		{"Write", "DROP TABLE deals", http.StatusBadRequest, "read-only"},
		{"Syntax", "SELEC 1", http.StatusBadRequest, "syntax error"},
		{"Hint", "SELECT segmnt FROM deal_discounts", http.StatusBadRequest, "Candidate bindings: "},
		{"Caret", "SELECT segmnt FROM deal_discounts", http.StatusBadRequest, "LINE 1: SELECT segmnt FROM deal_discounts\n               ^"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := c.post("/sql", "/sql", url.Values{"query": {tt.query}, "chart": {"bar"}, "x": {"segment"}, "y": {"n"}})
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("%s: %d, want %d with %q", tt.query, code, tt.code, tt.want)
			}
		})
	}
	_, body, _ := c.post("/sql", "/sql", url.Values{"query": {"SELECT * FROM range(120) t(n)"}, "page": {"2"}})
	if !strings.Contains(body, `<td class="num">50</td>`) || strings.Contains(body, `<td class="num">49</td>`) || !strings.Contains(body, "next →") {
		t.Errorf("page 2 of 120 rows is not rows 50-99 with a next page")
	}
	code, body, h := c.post("/sql/export", "/sql", url.Values{"query": {"SELECT 1 AS x, 'a,b' AS y"}, "format": {"csv"}})
	if code != http.StatusOK || body != "x,y\n1,\"a,b\"\n" || !strings.Contains(h.Get("Content-Disposition"), "query.csv") {
		t.Errorf("csv export: %d %q", code, body)
	}
}

// TestRunsPageSaysWhatDidNotLoad checks that the Runs page lists the files
// an ETL run did not load and why.
func TestRunsPageSaysWhatDidNotLoad(t *testing.T) {
	data := wh.Dir(t.TempDir())
	res := etl.Result{
		Status:   runlog.Warning,
		Warnings: []string{"customers.csv: could be stripe/customers or zendesk/organizations; name it in vendors.files"},
		Files: []etl.FileResult{
			{SourceFile: etl.SourceFile{Path: "deals.csv", Entity: "deals"}, Status: etl.FileRejected, Error: "deals.csv: missing required column stage"},
			{SourceFile: etl.SourceFile{Path: "salesforce/Account.csv", Entity: "salesforce/Account", Vendor: "salesforce", Object: "Account", DetectedBy: "name"},
				Status: etl.FileLoaded, RowsRead: 2, RowsLoaded: 2, Ignored: []string{"Website"},
				Encoding: "Windows-1252", DateOrder: "mdy", DateOrderBy: "vendors.date_order.salesforce",
				Columns: []etl.ColumnMapping{{Column: "ACCOUNTID", Field: "Id", Maps: "accounts.account_id", Conversion: "Salesforce id 15->18"}}},
		},
	}
	detail, _ := json.Marshal(res)
	now := time.Now().UTC()
	if err := runlog.Open(data.RunLog()).Append(runlog.Record{Kind: "etl", ID: 1, Trigger: "manual", Status: runlog.Warning, StartedAt: now, EndedAt: now, Detail: detail}); err != nil {
		t.Fatal(err)
	}
	_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
	_, body, _ := newClient(t, ts).get("/runs")
	for _, want := range []string{"warning: customers.csv: could be stripe/customers", "rejected: deals.csv: missing required column stage",
		"How run 1 read its files", "salesforce/Account <span class=\"note\">(by its name)</span>", "ACCOUNTID → accounts.account_id as Id, Salesforce id 15-&gt;18", "ignored: Website",
		"Windows-1252, dates month first (M/D/YYYY, by vendors.date_order.salesforce)"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Runs page does not say %q", want)
		}
	}
}

// TestRunsPageNamesStatuses checks that a run that rejected a file is not
// called successful, and that a run that found nothing changed says so.
func TestRunsPageNamesStatuses(t *testing.T) {
	data := wh.Dir(t.TempDir())
	log := runlog.Open(data.RunLog())
	now := time.Now().UTC()
	for _, r := range []runlog.Record{
		{Kind: "etl", ID: 1, Trigger: "manual", Status: runlog.Warning, StartedAt: now, EndedAt: now},
		{Kind: "etl", ID: 2, Trigger: "schedule", Status: runlog.Unchanged, StartedAt: now, EndedAt: now},
	} {
		if err := log.Append(r); err != nil {
			t.Fatal(err)
		}
	}
	_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
	_, body, _ := newClient(t, ts).get("/runs")
	body = html.UnescapeString(body)
	if strings.Contains(body, "successful") {
		t.Errorf("the Runs page calls a run that rejected input successful")
	}
	for _, want := range []string{
		"Last published ETL: run 1, just now (with warnings: it rejected some input).",
		`<td title="status warning">published with warnings: some input was rejected</td>`,
		`<td title="status unchanged">checked, nothing changed: the published generation was kept</td>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the Runs page does not say %q", want)
		}
	}
}

// TestRunsPageNamesRemovedRows checks that the Runs page says how many
// earlier rows a run removed because the vendor deleted their records, or
// because they referred to a removed row.
func TestRunsPageNamesRemovedRows(t *testing.T) {
	data := wh.Dir(t.TempDir())
	now := time.Now().UTC()
	detail := `{"entities": [{"entity": "deals", "rows_read": 3, "rows_loaded": 3, "rows_deleted": 2}, {"entity": "deal_lines", "rows_read": 0, "rows_loaded": 0, "rows_orphaned": 5}]}`
	if err := runlog.Open(data.RunLog()).Append(runlog.Record{Kind: "etl", ID: 1, Trigger: "manual", Status: runlog.Success, StartedAt: now, EndedAt: now, Detail: []byte(detail)}); err != nil {
		t.Fatal(err)
	}
	_, ts := newServerWith(t, Options{Data: data, Addr: "127.0.0.1:0"})
	_, body, _ := newClient(t, ts).get("/runs")
	body = html.UnescapeString(body)
	for _, want := range []string{
		"deals 3/3 (2 earlier rows removed: deleted at the vendor)",
		"deal_lines 0/0 (5 earlier rows removed: referring to a removed row)",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the Runs page does not say %q", want)
		}
	}
}
