package dashboard

import (
	"net/url"
	"regexp"
	"slices"
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

var (
	segments  = []string{"enterprise", "mid_market", "smb"}
	quarterRe = regexp.MustCompile(`^FY\d{4}-Q[1-4]$`)
)

// parseFilters reads filters from a query string, dropping values that
// cannot be valid (an unknown segment, a malformed quarter, text that is
// not UTF-8, which DuckDB refuses as a parameter).
func parseFilters(q url.Values) Filters {
	f := Filters{
		Segment:     q.Get("segment"),
		Region:      clip(q.Get("region")),
		Team:        clip(q.Get("team")),
		Rep:         clip(q.Get("rep")),
		QuarterFrom: q.Get("from"),
		QuarterTo:   q.Get("to"),
	}
	if !slices.Contains(segments, f.Segment) {
		f.Segment = ""
	}
	if !quarterRe.MatchString(f.QuarterFrom) {
		f.QuarterFrom = ""
	}
	if !quarterRe.MatchString(f.QuarterTo) {
		f.QuarterTo = ""
	}
	return f
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
