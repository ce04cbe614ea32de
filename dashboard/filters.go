package dashboard

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Filters narrow the analytic pages. They live in the URL, so every view
// is a permalink. Empty means no filter.
type Filters struct {
	Segment     string
	Region      string
	Team        string
	Rep         string
	QuarterFrom string // FY2025-Q1
	QuarterTo   string
}

// filter is one of the dashboard's filters: its URL parameter, the column
// it narrows in every mart that has that column, and the named parameter
// the dashboard's queries read it as ($segment, ..., $quarter_from).
type filter struct {
	Param  string // in the URL and the API
	Label  string // in the filter bar and notices
	Column string // the mart column it narrows
	Op     string // = for a value, >= or <= for a bound
	SQL    string // the dashboard queries' named parameter
	Blank  string // what no value means, in the filter bar
	Noun   string // what it narrows, in a sentence
}

// filterList is every filter, in the filter bar's order.
var filterList = []filter{
	{Param: "segment", Label: "Segment", Column: "segment", Op: "=", SQL: "segment", Blank: "all", Noun: "segment"},
	{Param: "region", Label: "Region", Column: "region", Op: "=", SQL: "region", Blank: "all", Noun: "region"},
	{Param: "team", Label: "Team", Column: "team", Op: "=", SQL: "team", Blank: "all", Noun: "team"},
	{Param: "rep", Label: "Rep", Column: "rep_id", Op: "=", SQL: "rep", Blank: "all", Noun: "rep"},
	{Param: "from", Label: "From", Column: "fiscal_quarter", Op: ">=", SQL: "quarter_from", Blank: "first", Noun: "quarter"},
	{Param: "to", Label: "To", Column: "fiscal_quarter", Op: "<=", SQL: "quarter_to", Blank: "last", Noun: "quarter"},
}

// pageFilter says which filters a page offers and, for each query the
// page runs, which filters that query applies. A page offers exactly the
// filters its queries apply; a query that applies fewer than the page
// offers is labelled on the page (scopeNote), so no number pretends to
// follow a filter it ignores.
type pageFilter struct {
	Title   string
	Offers  []string            // URL parameters, in filterList's order
	Queries map[string][]string // query name -> the filters it applies
}

var (
	allFilters       = []string{"segment", "region", "team", "rep", "from", "to"}
	segmentRegion    = []string{"segment", "region"}
	segRegionQuarter = []string{"segment", "region", "from", "to"}
)

// pageFilters is the one definition of which filters each page applies,
// read by the pages, their filter bars and notices, and the tests (which
// check it against the queries' own parameters). The API's models apply
// the filters whose column they have (modelFilters).
var pageFilters = map[string]pageFilter{
	"overview": {Title: "Overview", Offers: segmentRegion, Queries: map[string][]string{
		// headline_metrics is company-wide; the overview's two ARR cards
		// are computed from overview_renewals when a filter is set.
		"metrics":             nil,
		"overview_renewals":   segmentRegion,
		"overview_risk_trend": segmentRegion,
		"overview_riskiest":   segmentRegion,
	}},
	"discounts": {Title: "Discount precedents", Offers: allFilters, Queries: map[string][]string{
		"discounts_by_days":    allFilters,
		"discounts_renewals":   allFilters,
		"discounts_graph":      allFilters,
		"discounts_by_quarter": allFilters,
		// Drift is measured per rep over all their deals.
		"discounts_drift": {"team", "rep"},
	}},
	"scope": {Title: "Scope and escalations", Offers: segmentRegion, Queries: map[string][]string{
		"scope_quintiles": segmentRegion,
		"scope_phrases":   segmentRegion,
		"scope_scatter":   segmentRegion,
	}},
	"billing": {Title: "Billing", Offers: segRegionQuarter, Queries: map[string][]string{
		"billing_configs":  segRegionQuarter,
		"billing_quarters": segRegionQuarter,
		"billing_leakage":  segmentRegion, // leakage to date per account: no quarter range
	}},
	"accounts": {Title: "Accounts", Offers: segmentRegion, Queries: map[string][]string{
		"accounts": segmentRegion,
	}},
	"exceptions": {Title: "Exception register", Offers: []string{"segment", "region", "rep"}, Queries: map[string][]string{
		"exceptions":        {"segment", "region", "rep"},
		"exception_kinds":   {"segment", "region", "rep"},
		"exception_summary": {"segment", "region", "rep"},
	}},
}

// modelFilters are the filters a model of the API applies: those whose
// column it has.
func modelFilters(columns []string) []string {
	var out []string
	for _, fl := range filterList {
		if slices.Contains(columns, fl.Column) {
			out = append(out, fl.Param)
		}
	}
	return out
}

// filterNamed returns the filter whose URL parameter is param.
func filterNamed(param string) filter {
	i := slices.IndexFunc(filterList, func(fl filter) bool { return fl.Param == param })
	return filterList[i]
}

var (
	segments  = []string{"enterprise", "mid_market", "smb"}
	quarterRe = regexp.MustCompile(`^FY\d{4}-Q[1-4]$`)
)

// filterProblem is a filter value a page or the API cannot apply: not a
// known value, malformed, or a filter the page or model does not apply.
type filterProblem struct {
	Param   string   `json:"param"`
	Value   string   `json:"value"`
	Problem string   `json:"problem"`
	Allowed []string `json:"allowed"`
	// Ignored is set for a valid filter the page does not apply: the page
	// says so and shows its numbers, which cover every value of it.
	Ignored bool `json:"-"`
}

// Message is the problem in one sentence, with up to a dozen of the
// allowed values.
func (p filterProblem) Message() string {
	msg := fmt.Sprintf("%s=%q %s", p.Param, p.Value, p.Problem)
	if len(p.Allowed) == 0 {
		return msg + "."
	}
	shown := p.Allowed
	more := ""
	if len(shown) > 12 {
		shown, more = shown[:12], fmt.Sprintf(" and %d more", len(p.Allowed)-12)
	}
	return msg + "; allowed: " + strings.Join(shown, ", ") + more + "."
}

// checkFilters reads the filters a page or model applies (applies) from a
// query string and checks each value against the warehouse's choices (o;
// a list o lacks is not checked). It returns the filters to apply and the
// problems: a value that is unknown, malformed or not UTF-8, or a filter
// given twice with different values, and a filter that does not apply
// (Ignored). A value with a problem is never applied.
func checkFilters(q url.Values, applies []string, o filterOptions) (Filters, []filterProblem) {
	var f Filters
	var problems []filterProblem
	set := map[string]*string{
		"segment": &f.Segment, "region": &f.Region, "team": &f.Team, "rep": &f.Rep,
		"from": &f.QuarterFrom, "to": &f.QuarterTo,
	}
	allowed := map[string][]string{
		"segment": segments, "region": o.Regions, "team": o.Teams, "rep": o.Reps, "from": o.Quarters, "to": o.Quarters,
	}
	for _, fl := range filterList {
		values := q[fl.Param]
		raw := q.Get(fl.Param)
		if raw == "" {
			continue
		}
		p := filterProblem{Param: fl.Param, Value: shown(raw), Allowed: allowed[fl.Param]}
		switch {
		case !slices.Contains(applies, fl.Param):
			p.Problem, p.Allowed, p.Ignored = "is not a filter here", nil, true
			if len(applies) == 0 {
				p.Problem += ": these numbers are company-wide"
			} else {
				p.Problem += ": it applies " + strings.Join(applies, ", ")
			}
		case slices.ContainsFunc(values, func(v string) bool { return v != raw }):
			p.Problem = "is given more than once, with different values"
		case !utf8.ValidString(raw):
			p.Problem = "is not UTF-8 text"
		case fl.Param == "from" || fl.Param == "to":
			if !quarterRe.MatchString(raw) {
				p.Problem = "is not a fiscal quarter written like FY2025-Q1"
			}
		case p.Allowed != nil && !slices.Contains(p.Allowed, raw):
			p.Problem = "is not a known " + strings.ToLower(fl.Label)
			if i := slices.IndexFunc(p.Allowed, func(a string) bool { return strings.EqualFold(a, raw) }); i >= 0 {
				p.Problem += fmt.Sprintf(" (values are case-sensitive: did you mean %s?)", p.Allowed[i])
			}
		case len(raw) > 200:
			p.Problem = "is longer than 200 bytes"
		}
		if p.Problem != "" {
			problems = append(problems, p)
			continue
		}
		*set[fl.Param] = raw
	}
	if f.QuarterFrom != "" && f.QuarterTo != "" && f.QuarterFrom > f.QuarterTo {
		problems = append(problems, filterProblem{Param: "to", Value: f.QuarterTo, Problem: "is before from=" + f.QuarterFrom, Allowed: o.Quarters})
		f.QuarterFrom, f.QuarterTo = "", ""
	}
	return f, problems
}

// shown is a value as a notice may quote it: valid UTF-8, at most 200
// bytes.
func shown(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= 200 {
		return s
	}
	n := 200
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// badFilters are the problems that stop a page or answer: every one but
// the ignored filters.
func badFilters(problems []filterProblem) []filterProblem {
	var out []filterProblem
	for _, p := range problems {
		if !p.Ignored {
			out = append(out, p)
		}
	}
	return out
}

// filterError is a request whose filters cannot be applied: a page shows
// its filter bar with the values and what is wrong with them, the API
// answers 400 with the problems and the allowed values.
type filterError struct {
	page     string // the page's key in pageFilters; "" for the API
	problems []filterProblem
}

func (e *filterError) Error() string {
	msgs := make([]string, len(e.problems))
	for i, p := range e.problems {
		msgs[i] = p.Message()
	}
	return strings.Join(msgs, " ")
}

// clip keeps the first 200 bytes of s, cut at a character's start, or ""
// when s is not UTF-8.
func clip(s string) string {
	if !utf8.ValidString(s) {
		return ""
	}
	if len(s) <= 200 {
		return s
	}
	n := 200
	for !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Values renders the filters as a query string's values.
func (f Filters) Values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"segment": f.Segment, "region": f.Region, "team": f.Team, "rep": f.Rep, "from": f.QuarterFrom, "to": f.QuarterTo} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

// params are the filters as named SQL parameters; dashboard queries read
// them as $segment, $region, $team, $rep, $quarter_from and $quarter_to,
// with the empty string meaning no filter.
func (f Filters) params() map[string]any {
	return map[string]any{
		"segment": f.Segment, "region": f.Region, "team": f.Team, "rep": f.Rep,
		"quarter_from": f.QuarterFrom, "quarter_to": f.QuarterTo,
	}
}

// Active reports whether any filter is set.
func (f Filters) Active() bool { return f != Filters{} }

// get returns the value of the filter whose URL parameter is param.
func (f Filters) get(param string) string {
	return f.Values().Get(param)
}

// scopeNote labels a query's numbers on page when the query applies fewer
// filters than the page offers: "" when it applies them all.
func scopeNote(page, query string, f Filters) string {
	pf := pageFilters[page]
	applies := pf.Queries[query]
	var follows, missing []string
	for _, p := range pf.Offers {
		n := filterNamed(p).Noun
		switch {
		case slices.Contains(applies, p):
			if !slices.Contains(follows, n) {
				follows = append(follows, n)
			}
		case !slices.Contains(missing, n):
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	if len(applies) == 0 {
		return "Company-wide: does not follow the filters above."
	}
	var active []string
	for _, p := range pf.Offers {
		if !slices.Contains(applies, p) && f.get(p) != "" {
			active = append(active, p+"="+f.get(p))
		}
	}
	note := "Follows " + joinWords(follows) + " only: covers every " + joinWords(missing) + "."
	if len(active) > 0 {
		note += " Not narrowed by " + strings.Join(active, ", ") + "."
	}
	return note
}

// joinWords joins words as a list in a sentence: "a, b and c".
func joinWords(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}
