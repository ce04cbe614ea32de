package dashboard

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseFilters(t *testing.T) {
	long := strings.Repeat("a", 199) + "é" // the é spans bytes 200 and 201
	tests := []struct {
		query string
		want  Filters
	}{
		{"segment=smb&region=EMEA&from=FY2025-Q1&to=FY2025-Q4", Filters{Segment: "smb", Region: "EMEA", QuarterFrom: "FY2025-Q1", QuarterTo: "FY2025-Q4"}},
		{"segment=gov&from=FY2025-Q5&to=2025-Q1", Filters{}},
		{"region=%ff&team=%c3&rep=caf%C3%A9", Filters{Rep: "café"}},
		{"region=" + url.QueryEscape(long), Filters{Region: strings.Repeat("a", 199)}},
		{"rep=" + strings.Repeat("b", 300), Filters{Rep: strings.Repeat("b", 200)}},
	}
	for _, tt := range tests {
		q, _ := url.ParseQuery(tt.query)
		if got := parseFilters(q); got != tt.want {
			t.Errorf("parseFilters(%q) = %+v, want %+v", tt.query, got, tt.want)
		}
	}
	// A filter that is not UTF-8 used to reach DuckDB and fail the page.
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	for _, path := range []string{"/discounts?region=%ff", "/api/v1/models/deal_discounts?region=%ff&team=%c3"} {
		if code, body, _ := c.get(path); code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200: %.200s", path, code, body)
		}
	}
}

// FuzzParseFilters checks that parseFilters never panics and only
// returns valid filters, whatever the query string.
func FuzzParseFilters(f *testing.F) {
	for _, s := range []string{"", "segment=smb&region=EMEA&team=a&rep=b&from=FY2025-Q1&to=FY2026-Q4", "segment=%ff", "region=%c3%28", "from=FY2025-Q1%0a", "segment=smb&segment=gov", "to=FY99999-Q1", "rep=" + strings.Repeat("é", 150)} {
		f.Add(s)
	}
	quarter := regexp.MustCompile(`^FY\d{4}-Q[1-4]$`)
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw)
		got := parseFilters(q)
		if got.Segment != "" && !slices.Contains(segments, got.Segment) {
			t.Errorf("segment %q", got.Segment)
		}
		for _, v := range []string{got.QuarterFrom, got.QuarterTo} {
			if v != "" && !quarter.MatchString(v) {
				t.Errorf("quarter %q", v)
			}
		}
		for _, v := range []string{got.Region, got.Team, got.Rep} {
			if len(v) > 200 || !utf8.ValidString(v) {
				t.Errorf("value of %d bytes, UTF-8 %v: %q", len(v), utf8.ValidString(v), v)
			}
		}
		if again := parseFilters(got.Values()); again != got {
			t.Errorf("parsing the filters' own values gives %+v, want %+v", again, got)
		}
	})
}
