package dashboard

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/dashboard/namedsql"
)

// testOptions are the filter bar's choices the unit tests check against.
var testOptions = filterOptions{
	Segments: segments, Regions: []string{"AMER", "APAC", "EMEA"}, Teams: []string{"east"},
	Reps: []string{"REP-1", "café"}, Quarters: []string{"FY2025-Q1", "FY2025-Q4"},
}

func TestCheckFilters(t *testing.T) {
	long := strings.Repeat("a", 300)
	tests := []struct {
		name    string
		query   string
		applies []string
		want    Filters
		bad     []string // the parameters with a problem, in order
		ignored []string // the parameters not applied
	}{
		{"OK", "segment=smb&region=EMEA&from=FY2025-Q1&to=FY2025-Q4", allFilters, Filters{Segment: "smb", Region: "EMEA", QuarterFrom: "FY2025-Q1", QuarterTo: "FY2025-Q4"}, nil, nil},
		{"Empty", "segment=&region=", allFilters, Filters{}, nil, nil},
		{"AnyWellFormedQuarter", "from=FY1999-Q2", allFilters, Filters{QuarterFrom: "FY1999-Q2"}, nil, nil},
		{"UnknownValues", "segment=gov&region=Mars&from=2025Q1&to=FY2025-Q5", allFilters, Filters{}, []string{"segment", "region", "from", "to"}, nil},
		{"CaseMatters", "segment=Enterprise", allFilters, Filters{}, []string{"segment"}, nil},
		{"NotUTF8", "region=%ff&team=%c3&rep=caf%C3%A9", allFilters, Filters{Rep: "café"}, []string{"region", "team"}, nil},
		{"TooLong", "rep=" + long, allFilters, Filters{}, []string{"rep"}, nil},
		{"Twice", "segment=smb&segment=enterprise", allFilters, Filters{}, []string{"segment"}, nil},
		{"TwiceTheSame", "segment=smb&segment=smb", allFilters, Filters{Segment: "smb"}, nil, nil},
		{"FromAfterTo", "from=FY2025-Q4&to=FY2025-Q1", allFilters, Filters{}, []string{"to"}, nil},
		{"NotApplied", "segment=smb&team=east&from=FY2025-Q1", segmentRegion, Filters{Segment: "smb"}, nil, []string{"team", "from"}},
		{"NotAppliedAndUnknown", "team=nobody", segmentRegion, Filters{}, nil, []string{"team"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			got, problems := checkFilters(q, tt.applies, testOptions)
			if got != tt.want {
				t.Errorf("filters = %+v, want %+v", got, tt.want)
			}
			var bad, ignored []string
			for _, p := range problems {
				if p.Ignored {
					ignored = append(ignored, p.Param)
				} else {
					bad = append(bad, p.Param)
				}
				if !strings.Contains(p.Message(), p.Param+"=") {
					t.Errorf("message %q does not name the parameter", p.Message())
				}
			}
			if !slices.Equal(bad, tt.bad) || !slices.Equal(ignored, tt.ignored) {
				t.Errorf("problems with %v and ignored %v, want %v and %v: %+v", bad, ignored, tt.bad, tt.ignored, problems)
			}
		})
	}
	t.Run("Messages", func(t *testing.T) {
		q, _ := url.ParseQuery("segment=Enterprise&region=Mars&from=2025Q1")
		_, problems := checkFilters(q, allFilters, testOptions)
		want := []string{
			`segment="Enterprise" is not a known segment (values are case-sensitive: did you mean enterprise?); allowed: enterprise, mid_market, smb.`,
			`region="Mars" is not a known region; allowed: AMER, APAC, EMEA.`,
			`from="2025Q1" is not a fiscal quarter written like FY2025-Q1; allowed: FY2025-Q1, FY2025-Q4.`,
		}
		for i, p := range problems {
			if p.Message() != want[i] {
				t.Errorf("got %q, want %q", p.Message(), want[i])
			}
		}
	})
}

// FuzzCheckFilters checks that checkFilters never panics and only applies
// valid values of the filters it is given, whatever the query string.
func FuzzCheckFilters(f *testing.F) {
	for _, s := range []string{"", "segment=smb&region=EMEA&team=east&rep=REP-1&from=FY2025-Q1&to=FY2026-Q4", "segment=%ff", "region=%c3%28", "from=FY2025-Q1%0a", "segment=smb&segment=gov", "to=FY99999-Q1", "rep=" + strings.Repeat("é", 150)} {
		f.Add(s)
	}
	quarter := regexp.MustCompile(`^FY\d{4}-Q[1-4]$`)
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		got, problems := checkFilters(q, allFilters, testOptions)
		for _, tt := range []struct {
			v       string
			allowed []string
		}{{got.Segment, segments}, {got.Region, testOptions.Regions}, {got.Team, testOptions.Teams}, {got.Rep, testOptions.Reps}} {
			if tt.v != "" && !slices.Contains(tt.allowed, tt.v) {
				t.Errorf("applied %q, not one of %v", tt.v, tt.allowed)
			}
		}
		for _, v := range []string{got.QuarterFrom, got.QuarterTo} {
			if v != "" && !quarter.MatchString(v) {
				t.Errorf("quarter %q", v)
			}
		}
		for _, p := range problems {
			if !utf8.ValidString(p.Message()) {
				t.Errorf("message not UTF-8: %q", p.Message())
			}
		}
		if again, problems := checkFilters(got.Values(), allFilters, testOptions); again != got || len(problems) > 0 {
			t.Errorf("checking the filters' own values gives %+v and %v, want %+v", again, problems, got)
		}
	})
}

// TestPageFiltersMatchQueries checks the table of which filters each page
// applies against the queries themselves: each query listed applies
// exactly the filters listed (it names their SQL parameters), a page
// offers exactly what its queries apply, and every query that takes a
// filter belongs to a page.
func TestPageFiltersMatchQueries(t *testing.T) {
	queries, err := namedsql.Load(sqlFiles, "sql")
	if err != nil {
		t.Fatal(err)
	}
	takes := func(q namedsql.Query) []string {
		var out []string
		for _, fl := range filterList {
			if slices.Contains(q.Params, fl.SQL) {
				out = append(out, fl.Param)
			}
		}
		return out
	}
	listed := map[string]bool{}
	for page, pf := range pageFilters {
		var union []string
		for name, applies := range pf.Queries {
			listed[name] = true
			q, ok := queries[name]
			if !ok {
				t.Errorf("%s: no query %s", page, name)
				continue
			}
			if got := takes(q); !slices.Equal(got, applies) {
				t.Errorf("%s: query %s applies %v, the table says %v", page, name, got, applies)
			}
			union = append(union, applies...)
		}
		var want []string
		for _, fl := range filterList {
			if slices.Contains(union, fl.Param) {
				want = append(want, fl.Param)
			}
		}
		if !slices.Equal(pf.Offers, want) {
			t.Errorf("%s offers %v, its queries apply %v", page, pf.Offers, want)
		}
	}
	for name, q := range queries {
		if len(takes(q)) > 0 && !listed[name] {
			t.Errorf("query %s applies %v but no page lists it in pageFilters", name, takes(q))
		}
	}
}

// pagePath is the URL of a page of pageFilters.
func pagePath(page string) string {
	if page == "overview" {
		return "/"
	}
	return "/" + page
}

var selectNameRe = regexp.MustCompile(`<select name="([a-z]+)"`)

// TestPagesOfferWhatTheyApply checks each page's filter bar offers exactly
// the filters the page applies, and that a filter it does not apply is
// named in a notice, not silently dropped.
func TestPagesOfferWhatTheyApply(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	for page, pf := range pageFilters {
		code, body, _ := c.get(pagePath(page))
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", pagePath(page), code)
		}
		var offered []string
		for _, m := range selectNameRe.FindAllStringSubmatch(body, -1) {
			if m[1] != "kind" {
				offered = append(offered, m[1])
			}
		}
		if !slices.Equal(offered, pf.Offers) {
			t.Errorf("%s offers %v, want %v", page, offered, pf.Offers)
		}
		for _, p := range allFilters {
			if slices.Contains(pf.Offers, p) {
				continue
			}
			// A well-formed value of a filter the page does not apply.
			v := map[string]string{"segment": "smb", "region": "EMEA", "team": "x", "rep": "x", "from": "FY2025-Q1", "to": "FY2025-Q1"}[p]
			path := pagePath(page) + "?" + p + "=" + v
			code, body, _ := c.get(path)
			if code != http.StatusOK {
				t.Errorf("GET %s = %d, want 200 with a notice", path, code)
			}
			if !strings.Contains(html.UnescapeString(body), "Not applied: "+p+`="`+v+`" is not a filter here`) {
				t.Errorf("GET %s: no notice that %s is not applied", path, p)
			}
		}
	}
}

// TestUnknownFilterValues checks an unknown or malformed filter value is
// shown on the page (400, the value selected and marked, a notice with the
// allowed values, no numbers) and answered 400 by the API.
func TestUnknownFilterValues(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	for _, tt := range []struct{ path, param, value, allowed string }{
		{"/?region=Mars", "region", "Mars", "allowed: "},
		{"/?segment=Enterprise", "segment", "Enterprise", "allowed: enterprise, mid_market, smb"},
		{"/discounts?from=2025Q1", "from", "2025Q1", "written like FY2025-Q1"},
		{"/billing?segment=bogus", "segment", "bogus", "allowed: enterprise, mid_market, smb"},
		{"/exceptions?kind=credit_note&rep=nobody", "rep", "nobody", "allowed: "},
		{"/accounts?q=a&region=Mars", "region", "Mars", "allowed: "},
	} {
		code, body, _ := c.get(tt.path)
		if code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400", tt.path, code)
		}
		text := html.UnescapeString(body)
		if !strings.Contains(text, "Cannot filter: "+tt.param+`="`+tt.value+`"`) || !strings.Contains(text, tt.allowed) {
			t.Errorf("GET %s: no notice naming %s=%q and %q", tt.path, tt.param, tt.value, tt.allowed)
		}
		if !regexp.MustCompile(`<select name="` + tt.param + `" aria-invalid="true"><option value="">[a-z]+</option><option value="` + tt.value + `" selected>`).MatchString(body) {
			t.Errorf("GET %s: the %s select does not show %q selected", tt.path, tt.param, tt.value)
		}
		if strings.Contains(body, `class="chart"`) || strings.Contains(body, "<table") {
			t.Errorf("GET %s: numbers are shown for a filter that cannot be applied", tt.path)
		}
	}
	// The page keeps its other parameters in the form.
	_, body, _ := c.get("/exceptions?kind=credit_note&rep=nobody")
	if !strings.Contains(body, `<input type="hidden" name="kind" value="credit_note">`) {
		t.Errorf("the exceptions page drops kind when a filter cannot be applied")
	}

	for _, tt := range []struct {
		path, param string
		allowed     []string
	}{
		{"/api/v1/models/deal_discounts?segment=bogus", "segment", segments},
		{"/api/v1/models/deal_discounts?segment=Enterprise", "segment", segments},
		{"/api/v1/models/deal_discounts?from=2025Q1", "from", nil},
		{"/api/v1/models/deal_discounts?from=FY2025-Q1&to=x", "to", nil},
		{"/api/v1/models/account_summary?region=Mars", "region", nil},
		{"/api/v1/models/deal_discounts?region=%ff", "region", nil},
		// Filters a model does not apply: the answer names those it does.
		{"/api/v1/models/headline_metrics?segment=smb", "segment", []string{}},
		{"/api/v1/models/rep_discount_drift?segment=smb", "segment", []string{"team", "rep"}},
		{"/api/v1/metrics?region=EMEA", "region", []string{}},
	} {
		code, body, _ := c.get(tt.path)
		if code != http.StatusBadRequest {
			t.Errorf("GET %s = %d, want 400: %.200s", tt.path, code, body)
			continue
		}
		var res struct {
			Error    string          `json:"error"`
			Problems []filterProblem `json:"problems"`
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatalf("GET %s: %v: %s", tt.path, err, body)
		}
		if len(res.Problems) != 1 || res.Problems[0].Param != tt.param || !strings.Contains(res.Error, tt.param+"=") {
			t.Errorf("GET %s: problems %+v, error %q, want one with %s", tt.path, res.Problems, res.Error, tt.param)
			continue
		}
		// nil: the warehouse's values, whatever they are.
		if got := res.Problems[0].Allowed; got == nil || (tt.allowed != nil && !slices.Equal(got, tt.allowed)) || (tt.allowed == nil && len(got) == 0) {
			t.Errorf("GET %s: allowed %v, want %v", tt.path, got, tt.allowed)
		}
	}
	// Well-formed filters the model applies still answer.
	for _, path := range []string{"/api/v1/models/deal_discounts?segment=smb&from=FY2025-Q1", "/api/v1/models/rep_discount_drift?team=", "/api/v1/metrics"} {
		if code, body, _ := c.get(path); code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200: %.200s", path, code, body)
		}
	}
	// The list of models says which filters each applies.
	_, body, _ = c.get("/api/v1/models")
	var list struct {
		Models []struct {
			Name    string   `json:"name"`
			Filters []string `json:"filters"`
		} `json:"models"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"headline_metrics": {}, "rep_discount_drift": {"team", "rep"}, "deal_discounts": allFilters, "renewal_risk": segmentRegion}
	for _, m := range list.Models {
		if w, ok := want[m.Name]; ok && !slices.Equal(m.Filters, w) {
			t.Errorf("%s applies %v, want %v", m.Name, m.Filters, w)
		}
	}
}

var cardRe = regexp.MustCompile(`(?s)<div class="name">[^<]*<code class="metric"[^>]*>([a-z_0-9]+)</code></div>\s*<div class="scope-label[^"]*">([^<]*)</div>\s*<div class="value">([^<]*)</div>`)

// cards reads the overview's headline cards: metric -> scope label, value.
func cards(t *testing.T, body string) map[string][2]string {
	t.Helper()
	out := map[string][2]string{}
	for _, m := range cardRe.FindAllStringSubmatch(body, -1) {
		out[m[1]] = [2]string{html.UnescapeString(m[2]), html.UnescapeString(m[3])}
	}
	if len(out) == 0 {
		t.Fatal("no headline cards")
	}
	return out
}

// TestOverviewCardsFollowFilters checks the overview's ARR cards follow
// its filters and every other card says it is company-wide; computed
// without a filter, the ARR cards equal headline_metrics.
func TestOverviewCardsFollowFilters(t *testing.T) {
	s, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	_, body, _ := c.get("/")
	all := cards(t, body)
	_, body, _ = c.get("/?segment=enterprise")
	enterprise := cards(t, body)
	for metric, card := range all {
		if slices.Contains(filteredMetrics, metric) {
			if card[0] != "follows segment and region" {
				t.Errorf("%s: label %q", metric, card[0])
			}
			if enterprise[metric][0] != "for segment enterprise" || enterprise[metric][1] == card[1] {
				t.Errorf("%s with segment=enterprise: %q, company %q", metric, enterprise[metric], card)
			}
			continue
		}
		if card[0] != "company-wide" || enterprise[metric] != card {
			t.Errorf("%s: %q unfiltered, %q for enterprise; want the same, labelled company-wide", metric, card, enterprise[metric])
		}
	}
	// The filtered computation, run without a filter, is the mart's.
	metrics, err := s.run(t.Context(), "metrics", Filters{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	renewals, err := s.run(t.Context(), "overview_renewals", Filters{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range records(metrics) {
		if name := r.str("metric"); slices.Contains(filteredMetrics, name) {
			m := filteredARR(name, records(renewals))
			if diff := m.Value - r.num("value"); diff > 0.01 || diff < -0.01 || m.N != int64(r.num("n")) {
				t.Errorf("%s from overview_renewals = %v over %d, headline_metrics %v over %v", name, m.Value, m.N, r.num("value"), r.num("n"))
			}
		}
	}
}

// TestDriftSaysWhatItIgnores checks the rep-drift chart, which follows
// team and rep only, says so on the page.
func TestDriftSaysWhatItIgnores(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	_, body, _ := c.get("/discounts?segment=enterprise")
	want := "Follows team and rep only: covers every segment, region and quarter. Not narrowed by segment=enterprise."
	if !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("the drift chart does not say %q", want)
	}
}
