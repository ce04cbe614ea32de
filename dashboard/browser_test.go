package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive Debian's chromium through chromedp against a real
// server over the test warehouse. One browser serves every test; each test
// opens its own tab, and a listener on the tab records what must never
// happen: console errors, uncaught exceptions, failed requests, requests to
// any other host and JavaScript dialogs.

const chromiumPath = "/usr/bin/chromium"

// stepTimeout bounds one browser step, so a page that blocks (an alert
// nobody closes, a chart that never draws) fails the test instead of
// hanging it.
const stepTimeout = 20 * time.Second

// startBrowser starts a headless chromium for the test and its subtests,
// or skips the test when chromium is not installed.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need %s: install Debian's chromium and chromium-driver (apt-get install -y --no-install-recommends chromium chromium-driver)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1366, 900),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first Do starts the browser and binds its life to ctx, so it
	// takes no timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v", chromiumPath, err)
	}
	return ctx
}

// recorder collects, from a tab's events, everything a page must not do.
type recorder struct {
	host string // host:port of the test server

	mu       sync.Mutex
	ctx      context.Context // the tab, to close dialogs
	problems []string
	dialogs  []string
	urls     map[network.RequestID]string
	inflight map[network.RequestID]bool
	allowed  map[string]int // path -> an error status the test expects
}

func (r *recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			r.problems = append(r.problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		r.problems = append(r.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError && !r.expected(ev.Entry.URL, 0) {
			r.problems = append(r.problems, fmt.Sprintf("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		r.urls[ev.RequestID] = ev.Request.URL
		r.inflight[ev.RequestID] = true
		u, err := url.Parse(ev.Request.URL)
		switch {
		case err != nil:
			r.problems = append(r.problems, fmt.Sprintf("request to an unreadable URL %q", ev.Request.URL))
		case u.Scheme == "data" || u.Scheme == "blob":
			// Not a request to any host.
		case u.Host != r.host:
			r.problems = append(r.problems, fmt.Sprintf("request to another host: %s (%s)", ev.Request.URL, ev.Type))
		}
	case *network.EventLoadingFinished:
		delete(r.inflight, ev.RequestID)
	case *network.EventLoadingFailed:
		delete(r.inflight, ev.RequestID)
		r.problems = append(r.problems, fmt.Sprintf("request failed: %s: %s %s", r.urls[ev.RequestID], ev.ErrorText, ev.BlockedReason))
	case *network.EventResponseReceived:
		if s := ev.Response.Status; s >= 400 && !r.expected(ev.Response.URL, int(s)) {
			r.problems = append(r.problems, fmt.Sprintf("request failed: %s: HTTP %d", ev.Response.URL, s))
		}
	case *page.EventJavascriptDialogOpening:
		r.dialogs = append(r.dialogs, fmt.Sprintf("%s(%q) on %s", ev.Type, ev.Message, ev.URL))
		// A dialog blocks the page; close it so the test can report it.
		ctx := r.ctx
		go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// expected reports whether an error answer for rawURL was announced with
// allow; status 0 matches any announced status (browser log entries carry
// no status).
func (r *recorder) expected(rawURL string, status int) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	want, ok := r.allowed[u.Path]
	return ok && (status == 0 || status == want)
}

// busy reports whether requests are still loading.
func (r *recorder) busy() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.inflight) > 0
}

// take returns and clears the problems and dialogs seen so far.
func (r *recorder) take() (problems, dialogs []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	problems, dialogs = r.problems, r.dialogs
	r.problems, r.dialogs = nil, nil
	return problems, dialogs
}

// tab is one browser tab on one test server.
type tab struct {
	t    *testing.T
	ctx  context.Context
	base string
	rec  *recorder
}

// openTab opens a tab in the browser for a server at base.
func openTab(t *testing.T, browserCtx context.Context, base string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{host: u.Host, urls: map[network.RequestID]string{}, inflight: map[network.RequestID]bool{}, allowed: map[string]int{}}
	ctx, cancel := chromedp.NewContext(browserCtx, append(opts, chromedp.WithListener(rec.event))...)
	t.Cleanup(cancel)
	rec.mu.Lock()
	rec.ctx = ctx
	rec.mu.Unlock()
	// The first Do opens the tab and binds its life to ctx, so it takes no
	// timeout of its own: a step's timeout would close the tab.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	tb := &tab{t: t, ctx: ctx, base: base, rec: rec}
	// Runs before the tab closes: what the last page did after its check.
	t.Cleanup(func() { tb.check("the last page") })
	return tb
}

// do runs steps with the step timeout and fails the test on an error.
func (tb *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the tab.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// allow announces an error status the next steps expect for path.
func (tb *tab) allow(path string, status int) {
	tb.rec.mu.Lock()
	defer tb.rec.mu.Unlock()
	tb.rec.allowed[path] = status
}

// open loads path, waits until every chart is drawn and checks the page.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.do("open "+path, chromedp.Navigate(tb.base+path))
	tb.waitCharts(path)
	tb.check(path)
}

// submit runs a step that submits a form or follows a link, waits for the
// page it leads to, its charts drawn, and checks it.
func (tb *tab) submit(what string, trigger chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		tb.t.Fatalf("%s: %v", what, err)
	}
	tb.waitCharts(what)
	tb.check(what)
}

// chartState says how many chart boxes a page has and how many hold a
// drawn canvas with an ECharts instance.
type chartState struct {
	Charts int      `json:"charts"`
	Drawn  int      `json:"drawn"`
	Blank  []string `json:"blank"`
}

const chartStateJS = `(() => {
	const cs = [...document.querySelectorAll('.chart')];
	const drawn = cs.filter(c => {
		const cv = c.querySelector('canvas');
		return cv && cv.width > 0 && cv.height > 0 && window.echarts && echarts.getInstanceByDom(c);
	});
	return {charts: cs.length, drawn: drawn.length, blank: cs.filter(c => !drawn.includes(c)).map(c => c.id)};
})()`

// waitCharts waits until every .chart div holds a drawn canvas.
func (tb *tab) waitCharts(what string) chartState {
	tb.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := eval[chartState](tb, chartStateJS)
		if s.Drawn == s.Charts {
			return s
		}
		if time.Now().After(deadline) {
			tb.t.Errorf("%s: charts not drawn: %v (%d of %d)", what, s.Blank, s.Drawn, s.Charts)
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// check waits (briefly) for the page's requests to finish, then fails the
// test for anything the recorder saw since the last check.
func (tb *tab) check(what string) {
	tb.t.Helper()
	for deadline := time.Now().Add(2 * time.Second); tb.rec.busy() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	problems, dialogs := tb.rec.take()
	for _, p := range problems {
		tb.t.Errorf("%s: %s", what, p)
	}
	for _, d := range dialogs {
		tb.t.Errorf("%s: a dialog opened: %s", what, d)
	}
}

// screenshotDir is test-output/screenshots at the repository root.
func screenshotDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "test-output", "screenshots"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9]+`)

// screenshot saves the whole page as a PNG named after name and width.
func (tb *tab) screenshot(name string, width int) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := strings.Trim(unsafeName.ReplaceAllString(name, "-"), "-")
	if file == "" {
		file = "overview"
	}
	path := filepath.Join(screenshotDir(tb.t), fmt.Sprintf("%s-%d.png", file, width))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// browserPages are the pages every browser test opens, with the number of
// charts each must draw at least.
var browserPages = []struct {
	path   string
	charts int
}{
	{"/", 2},
	{"/discounts", 5},
	{"/discounts?graph=rep", 5},
	{"/discounts?segment=enterprise&from=FY2024-Q1&to=FY2025-Q4", 4},
	{"/scope", 4},
	{"/billing", 2},
	{"/accounts", 0},
	{"/accounts?q=alert", 0},
	{"/accounts/ACC-000003", 1},
	{"/exceptions", 0},
	{"/exceptions?kind=late_quarter_exception&sort=amount&dir=asc", 0},
	{"/runs", 1},
	{"/runs/quarantine", 0},
	{"/sql", 0},
}

// phoneCellsOffScreenJS lists the cells of each table's first row that are
// not on screen horizontally, except in a result table, whose box scrolls
// (the box itself must be on screen).
const phoneCellsOffScreenJS = `(() => {
	const off = [];
	const on = el => { const r = el.getBoundingClientRect(); return r.left >= -1 && r.right <= document.documentElement.clientWidth + 1; };
	document.querySelectorAll('main table').forEach(t => {
		if (t.classList.contains('result')) {
			if (!on(t.closest('.scroll') || t)) off.push('a result table');
			return;
		}
		const tr = t.querySelector('tbody tr');
		if (!tr) return;
		[...tr.children].forEach(td => { if (!on(td)) off.push((td.dataset.label || td.cellIndex) + ': ' + td.innerText.slice(0, 30)); });
	});
	return off;
})()`

// phoneCardOrderJS lists the column headings of the first table's first
// row in the order its cells are read on screen: top to bottom, then left
// to right.
const phoneCardOrderJS = `(() => {
	const heads = [...document.querySelectorAll('main table thead th')].map(th => th.textContent.trim());
	const tds = [...document.querySelector('main table tbody tr').children];
	const at = td => td.getBoundingClientRect();
	tds.sort((a, b) => (at(a).top - at(b).top) || (at(a).left - at(b).left));
	return tds.map(td => heads[td.cellIndex]);
})()`

// overviewCardsJS reads the overview's cards: metric -> [scope label, value].
const overviewCardsJS = `Object.fromEntries([...document.querySelectorAll('.cards .card')].map(c => [
	c.querySelector('.name').innerText,
	[(c.querySelector('.scope-label') || {}).innerText || '', c.querySelector('.value').innerText]]))`

func TestBrowser(t *testing.T) {
	browser := startBrowser(t)
	// Two servers cannot hold the test warehouse open at once (the second
	// open finds DuckDB's configuration locked by the first), so the demo
	// server's tests run in one group and the server with users after it.
	t.Run("Demo", func(t *testing.T) { testDemo(t, browser) })
	t.Run("LoginLogout", func(t *testing.T) { testLoginLogout(t, browser) })
}

// testDemo runs the tests that need no login against a demo server.
func testDemo(t *testing.T, browser context.Context) {
	// An archived report for the phone test (built before the server
	// holds the warehouse open).
	archiveReports(t, "2026-W46")
	_, ts := newServer(t, nil, nil)
	t.Run("Pages", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		for _, p := range browserPages {
			tb.open(p.path)
			s := eval[chartState](tb, chartStateJS)
			if s.Drawn < p.charts {
				t.Errorf("%s: %d charts drawn, want at least %d", p.path, s.Drawn, p.charts)
			}
			tb.screenshot(p.path, 1366)
		}
	})

	// The riskiest renewals are ranked by dollars at stake: the first row
	// has the largest ARR at risk; one click ranks them by risk score.
	t.Run("RiskiestByDollars", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		tb.open("/")
		const column = `(function (i) {
  var amount = function (s) {
    var m = s.replace(/[$,\s]/g, "").match(/^([0-9.]+)([kM]?)/);
    return m ? parseFloat(m[1]) * ({"": 1, k: 1e3, M: 1e6})[m[2]] : NaN;
  };
  return Array.from(document.querySelectorAll("table.riskiest tbody tr")).map(function (r) {
    return amount(r.cells[i].textContent);
  });
})`
		atRisk := eval[[]float64](tb, column+"(5)")
		if len(atRisk) < 2 {
			t.Fatalf("riskiest renewals: %v, want at least two rows", atRisk)
		}
		for _, v := range atRisk[1:] {
			if v > atRisk[0] {
				t.Errorf("the first row's ARR at risk %.0f is not the largest (%v)", atRisk[0], atRisk)
			}
		}
		tb.submit("rank by risk score", chromedp.Click(chromedp.CSS(`#riskiest + p a[href*="sort=score"]`)))
		scores := eval[[]float64](tb, column+"(4)")
		for _, v := range scores[1:] {
			if v > scores[0] {
				t.Errorf("ranked by score, the first row's score %.0f is not the highest (%v)", scores[0], scores)
			}
		}
	})

	t.Run("SQLChart", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		tb.open("/sql")
		query := "SELECT segment, count(*) AS deals FROM deal_discounts GROUP BY segment ORDER BY segment"
		tb.do("write a query", chromedp.SetValue(chromedp.CSS("textarea[name=query]"), query))
		// The first run charts the first text column against the first
		// numeric one; the axes need no second run.
		tb.submit("run the query", chromedp.Click(chromedp.CSS(`form[action="/sql"] button[type=submit]`)))
		s := eval[chartState](tb, chartStateJS)
		if s.Drawn != 1 {
			t.Errorf("SQL result: %d charts drawn, want 1", s.Drawn)
		}
		if cats := eval[[]string](tb, `echarts.getInstanceByDom(document.getElementById('result')).getOption().xAxis[0].data`); strings.Join(cats, ",") != "enterprise,mid_market,smb" {
			t.Errorf("SQL chart categories = %v, want the three segments", cats)
		}
		if y := eval[string](tb, `echarts.getInstanceByDom(document.getElementById('result')).getOption().series[0].name`); y != "deals" {
			t.Errorf("SQL chart series = %q, want deals", y)
		}
		// Numbers sit right-aligned in their column.
		if align := eval[string](tb, `getComputedStyle(document.querySelector('table.result tbody td.num')).textAlign`); align != "right" {
			t.Errorf("a number's cell is aligned %q, want right", align)
		}
		tb.screenshot("sql-result", 1366)
		// The page's link reopens the query, run, by GET.
		link := eval[string](tb, `[...document.querySelectorAll('a')].find(a => a.textContent === 'Link to this query').getAttribute('href')`)
		tb.open(link)
		if cats := eval[[]string](tb, `echarts.getInstanceByDom(document.getElementById('result')).getOption().xAxis[0].data`); strings.Join(cats, ",") != "enterprise,mid_market,smb" {
			t.Errorf("the query's link: chart categories = %v, want the three segments", cats)
		}
	})

	t.Run("ScriptNamesStayText", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		for _, path := range []string{"/", "/accounts?q=alert", "/accounts/ACC-000003", "/exceptions", "/discounts", "/discounts?graph=rep", "/runs/quarantine"} {
			tb.open(path)
			// Nothing injected: no element the names carry, no inline script,
			// no event handler attribute.
			injected := eval[[]string](tb, `[...document.querySelectorAll('img[src=x], [onerror], script:not([src])')].map(e => e.outerHTML)`)
			if len(injected) > 0 {
				t.Errorf("%s: injected elements %v", path, injected)
			}
		}
		// The names are on the page as text, exactly as loaded.
		tb.open("/accounts?q=alert")
		text := eval[string](tb, `document.querySelector('main table').innerText`)
		for _, name := range xssNames {
			if !strings.Contains(text, name) {
				t.Errorf("accounts list does not show %q as text", name)
			}
		}
		// An account's page shows its name as its title.
		tb.open("/accounts/ACC-000003")
		if h1 := eval[string](tb, `document.querySelector('h1').innerText`); !slices.ContainsFunc(xssNames, func(n string) bool { return strings.Contains(h1, n) }) {
			t.Errorf("account page title %q does not show the account's name", h1)
		}
		// Hovering the precedent graph shows names in tooltips, drawn by
		// ECharts as HTML: still no dialog and no injected element.
		tb.open("/discounts")
		tb.do("hover the precedent graph", chromedp.Evaluate[chromedp.Void](`(() => {
			const c = echarts.getInstanceByDom(document.getElementById('graph'));
			const n = c.getOption().series[0].data.length;
			for (let i = 0; i < n; i++) c.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: i});
		})()`))
		if injected := eval[[]string](tb, `[...document.querySelectorAll('img[src=x], [onerror], script:not([src])')].map(e => e.outerHTML)`); len(injected) > 0 {
			t.Errorf("graph tooltips: injected elements %v", injected)
		}
		tb.check("graph tooltips")
	})

	t.Run("FilterChangesChart", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		tb.open("/discounts")
		const optionJS = `JSON.stringify(echarts.getInstanceByDom(document.getElementById('by-days')).getOption().series.map(s => s.data))`
		before := eval[string](tb, optionJS)
		attrBefore := eval[string](tb, `document.getElementById('by-days').dataset.option`)
		// Picking a segment submits the filter bar (app.js listens for change).
		tb.submit("pick the enterprise segment", chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.querySelector('form.filters select[name=segment]');
			s.value = 'enterprise';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`))
		loc := eval[string](tb, `location.href`)
		if u, err := url.Parse(loc); err != nil || u.Path != "/discounts" || u.Query().Get("segment") != "enterprise" {
			t.Fatalf("after picking a segment the URL is %s, want /discounts with segment=enterprise", loc)
		}
		if sel := eval[string](tb, `document.querySelector('form.filters select[name=segment]').value`); sel != "enterprise" {
			t.Errorf("the filter bar shows segment %q after the change, want enterprise", sel)
		}
		after := eval[string](tb, optionJS)
		if after == before {
			t.Errorf("the chart's data did not change with the segment filter")
		}
		if eval[string](tb, `document.getElementById('by-days').dataset.option`) == attrBefore {
			t.Errorf("the chart's data-option did not change with the segment filter")
		}
		// The filtered URL is a permalink: opening it again draws the same chart.
		tb.open(strings.TrimPrefix(loc, tb.base))
		if again := eval[string](tb, optionJS); again != after {
			t.Errorf("reopening %s drew different data", loc)
		}
	})

	t.Run("PhoneWidth", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		tb.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(1)))
		// The archived report, on its page and as mailed.
		paths := []string{"/reports", "/reports/2026-W46", "/reports/2026-W46/files/report.html", "/?segment=enterprise", "/?region=Mars"}
		for _, p := range browserPages {
			paths = append(paths, p.path)
		}
		for _, path := range paths {
			if strings.Contains(path, "Mars") {
				tb.allow("/", http.StatusBadRequest)
			}
			tb.open(path)
			// No horizontal page scroll. A mobile browser widens its layout
			// viewport (and innerWidth) to a page wider than the screen, so
			// the page is measured against the layout box (clientWidth, 390).
			if w := eval[float64](tb, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 0 {
				t.Errorf("%s at 390 px: the page scrolls sideways by %.0f px", path, w)
			}
			// Charts fit the screen: none is wider than the viewport.
			if w := eval[float64](tb, `Math.max(0, ...[...document.querySelectorAll('.chart canvas')].map(c => c.getBoundingClientRect().right))`); w > 390+1 {
				t.Errorf("%s at 390 px: a chart reaches %.0f px", path, w)
			}
			// Every cell of a table's first row is on screen: tables
			// collapse to cards, and result tables of any shape scroll
			// inside their own box.
			if off := eval[[]string](tb, phoneCellsOffScreenJS); len(off) > 0 {
				t.Errorf("%s at 390 px: cells off screen: %v", path, off)
			}
			tb.screenshot(path, 390)
		}
		// The overview's riskiest renewals: one card per row, not a row
		// squeezed to a column of words.
		tb.open("/")
		if h := eval[float64](tb, `document.querySelector('main table tbody tr').getBoundingClientRect().height`); h > 320 {
			t.Errorf("the overview's first risk row is %.0f px tall at 390 px", h)
		}
		// A card shows the key columns first: the account, then ARR, risk
		// and ARR at risk, before owner, dates and reasons.
		for _, tt := range []struct {
			path string
			want []string
		}{
			{"/", []string{"ARR", "ARR at risk", "Risk"}},
			{"/accounts", []string{"ARR at risk", "ARR now", "Risk"}},
		} {
			tb.open(tt.path)
			got := eval[[]string](tb, phoneCardOrderJS)
			if len(got) < 4 || got[0] != "Account" {
				t.Errorf("%s at 390 px: the first row's cells read %v, want the account first", tt.path, got)
				continue
			}
			key := slices.Clone(got[1:4])
			slices.Sort(key)
			if !slices.Equal(key, tt.want) {
				t.Errorf("%s at 390 px: after the account the card shows %v, want %v first (all: %v)", tt.path, got[1:4], tt.want, got)
			}
		}
	})

	t.Run("FilteredOverview", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		tb.open("/")
		// The overview offers the filters it applies, no others.
		if got := eval[[]string](tb, `[...document.querySelectorAll('form.filters select')].map(s => s.name)`); strings.Join(got, ",") != "segment,region" {
			t.Errorf("the overview offers filters %v, want segment and region", got)
		}
		before := eval[map[string][]string](tb, overviewCardsJS)
		tb.submit("pick the enterprise segment", chromedp.Evaluate[chromedp.Void](`(() => {
			const s = document.querySelector('form.filters select[name=segment]');
			s.value = 'enterprise';
			s.dispatchEvent(new Event('change', {bubbles: true}));
		})()`))
		after := eval[map[string][]string](tb, overviewCardsJS)
		if len(after) == 0 || len(after) != len(before) {
			t.Fatalf("cards before %v, after %v", before, after)
		}
		// Each card either changed with the filter and says so, or is the
		// same and says it is company-wide.
		for metric, card := range after {
			switch {
			case card[0] == "company-wide":
				if card[1] != before[metric][1] {
					t.Errorf("%s says company-wide but changed from %q to %q", metric, before[metric][1], card[1])
				}
			case card[0] == "for segment enterprise":
				if card[1] == before[metric][1] {
					t.Errorf("%s says it is for segment enterprise but still shows the company's %q", metric, card[1])
				}
			default:
				t.Errorf("%s: label %q, want company-wide or the filter", metric, card[0])
			}
		}
		if n := eval[int](tb, `[...document.querySelectorAll('.card .scope-label')].filter(l => l.textContent === 'for segment enterprise' && l.offsetHeight > 0).length`); n < 2 {
			t.Errorf("%d cards visibly follow the filter, want the two ARR cards", n)
		}
	})

	t.Run("UnknownFilter", func(t *testing.T) {
		tb := openTab(t, browser, ts.URL)
		for _, tt := range []struct{ path, param, value string }{
			{"/?region=Mars", "region", "Mars"},
			{"/discounts?segment=Enterprise", "segment", "Enterprise"},
			{"/billing?from=2025Q1", "from", "2025Q1"},
		} {
			u, _ := url.Parse(tt.path)
			tb.allow(u.Path, http.StatusBadRequest)
			tb.open(tt.path)
			// The dropdown shows the value, not "all".
			if v := eval[string](tb, `document.querySelector('form.filters select[name=`+tt.param+`]').value`); v != tt.value {
				t.Errorf("%s: the %s dropdown shows %q, want %q", tt.path, tt.param, v, tt.value)
			}
			notice := eval[string](tb, `(document.querySelector('.filter-notice') || {}).innerText || ''`)
			if !strings.Contains(notice, tt.param+`="`+tt.value+`"`) || !strings.Contains(notice, "allowed: ") {
				t.Errorf("%s: notice %q does not name %s=%q and the allowed values", tt.path, notice, tt.param, tt.value)
			}
			if eval[bool](tb, `!document.querySelector('.filter-notice') || document.querySelector('.filter-notice').offsetHeight === 0`) {
				t.Errorf("%s: the notice is not visible", tt.path)
			}
			if n := eval[int](tb, `document.querySelectorAll('.chart, main table').length`); n != 0 {
				t.Errorf("%s: %d charts and tables shown for a filter that cannot be applied", tt.path, n)
			}
			tb.screenshot(tt.path, 1366)
		}
		// The API answers 400 with the allowed values.
		tb.allow("/api/v1/models/deal_discounts", http.StatusBadRequest)
		// A JSON answer names no icon: the browser asks for the default one.
		tb.allow("/favicon.ico", http.StatusNotFound)
		tb.open("/api/v1/models/deal_discounts?segment=bogus")
		var res struct {
			Problems []filterProblem `json:"problems"`
		}
		if err := json.Unmarshal([]byte(eval[string](tb, `document.body.innerText`)), &res); err != nil {
			t.Fatal(err)
		}
		if len(res.Problems) != 1 || res.Problems[0].Param != "segment" || !slices.Equal(res.Problems[0].Allowed, segments) {
			t.Errorf("API answer to segment=bogus: %+v, want the segments allowed", res.Problems)
		}
	})

}

// testLoginLogout signs a configured user in and out.
func testLoginLogout(t *testing.T, browser context.Context) {
	_, uts := newServer(t, testUsers, nil)
	tb := openTab(t, browser, uts.URL, chromedp.WithNewBrowserContext())
	// Anyone without a session lands on the login page.
	tb.open("/discounts")
	if u := eval[string](tb, `location.pathname`); u != "/login" {
		t.Fatalf("anonymous visit to /discounts ended on %s, want /login", u)
	}
	if n := eval[int](tb, `document.querySelectorAll('form.login input[name=username], form.login input[name=password]').length`); n != 2 {
		t.Fatalf("login page has %d of the two fields", n)
	}
	tb.screenshot("login", 1366)

	tb.allow("/login", http.StatusUnauthorized)
	tb.do("type a wrong password",
		chromedp.SendKeys(chromedp.CSS("input[name=username]"), "vera"),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), "not her password"),
	)
	tb.submit("sign in with a wrong password", chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)))
	if msg := eval[string](tb, `(document.querySelector('form.login .error') || {}).innerText || ''`); !strings.Contains(msg, "Wrong user name or password") {
		t.Errorf("wrong password: message %q", msg)
	}
	if eval[bool](tb, `!!document.querySelector('header nav')`) {
		t.Errorf("wrong password: the navigation is shown")
	}
	tb.screenshot("login-wrong-password", 1366)
	tb.allow("/login", 0)

	tb.do("type the password",
		chromedp.Clear(chromedp.CSS("input[name=username]")),
		chromedp.SendKeys(chromedp.CSS("input[name=username]"), "vera"),
		chromedp.SendKeys(chromedp.CSS("input[name=password]"), "correct horse vera"),
	)
	tb.submit("sign in", chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)))
	if u := eval[string](tb, `location.pathname + location.search`); u != "/discounts" {
		t.Errorf("after signing in the browser is on %s, want /discounts (where it was going)", u)
	}
	if who := eval[string](tb, `document.querySelector('header .who').innerText`); !strings.Contains(who, "vera") || !strings.Contains(who, "viewer") {
		t.Errorf("header shows %q, want the user and role", who)
	}
	if eval[bool](tb, `!!document.querySelector('header nav a[href="/sql"]')`) {
		t.Errorf("a viewer is offered the SQL page")
	}
	tb.waitCharts("signed in")
	tb.screenshot("signed-in", 1366)

	tb.submit("sign out", chromedp.Click(chromedp.CSS(`header form[action="/logout"] button`)))
	if u := eval[string](tb, `location.pathname`); u != "/login" {
		t.Errorf("after signing out the browser is on %s, want /login", u)
	}
	// The session is gone: dashboards send the browser back to login.
	tb.open("/")
	if u := eval[string](tb, `location.pathname`); u != "/login" {
		t.Errorf("after signing out / ended on %s, want /login", u)
	}
}
