package dashboard

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// TestLastETLFollowsTheRunLog checks the cached last ETL run changes as
// soon as a run is appended to the log.
func TestLastETLFollowsTheRunLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs.jsonl")
	log := runlog.Open(path)
	var c lastETL
	if r, _ := c.get(path, log); r != nil {
		t.Fatalf("no log: got run %d, want none", r.ID)
	}
	start := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC)
	for id := 1; id <= 3; id++ {
		rec := runlog.Record{Kind: "etl", ID: id, Trigger: "manual", Status: runlog.Running, StartedAt: start.Add(time.Duration(id) * time.Hour)}
		if err := log.Append(rec); err != nil {
			t.Fatal(err)
		}
		rec.Status, rec.EndedAt = runlog.Success, rec.StartedAt.Add(time.Minute)
		if id == 3 {
			rec.Status = runlog.Failed
		}
		if err := log.Append(rec); err != nil {
			t.Fatal(err)
		}
		want := min(id, 2)
		for range 2 { // the second read comes from the cache
			if r, _ := c.get(path, log); r == nil || r.ID != want {
				t.Fatalf("after run %d: got %v, want run %d", id, r, want)
			}
		}
	}
}

// TestFilterBarFollowsTheRequest checks the cached filter bar is the one of
// the request's page and filters.
func TestFilterBarFollowsTheRequest(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	selected := regexp.MustCompile(`<select name="segment">.*?<option selected>([a-z_]+)</option>`)
	for _, tt := range []struct{ path, action, segment string }{
		{"/discounts?segment=smb", "/discounts", "smb"},
		{"/discounts?segment=enterprise", "/discounts", "enterprise"},
		{"/discounts?segment=smb", "/discounts", "smb"},
		{"/billing?segment=smb", "/billing", "smb"},
		{"/discounts", "/discounts", ""},
	} {
		_, body, _ := c.get(tt.path)
		if !strings.Contains(body, `<form class="filters" method="get" action="`+tt.action+`">`) {
			t.Errorf("GET %s: the filter bar does not submit to %s", tt.path, tt.action)
		}
		got := ""
		if m := selected.FindStringSubmatch(body); m != nil {
			got = m[1]
		}
		if got != tt.segment {
			t.Errorf("GET %s: filter bar selects segment %q, want %q", tt.path, got, tt.segment)
		}
	}
}

// TestBuiltPagesFollowTheirFilters checks pages kept by memoPage are the
// ones of the request's filters.
func TestBuiltPagesFollowTheirFilters(t *testing.T) {
	_, ts := newServer(t, nil, nil)
	c := newClient(t, ts)
	option := func(path, id string) string {
		t.Helper()
		_, body, _ := c.get(path)
		m := regexp.MustCompile(`class="chart" id="` + id + `" data-option="([^"]*)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("GET %s: no chart %s", path, id)
		}
		return m[1]
	}
	for _, tt := range []struct{ a, b, chart string }{
		{"/discounts?segment=smb", "/discounts?segment=enterprise", "by-days"},
		{"/discounts", "/discounts?graph=rep", "graph"},
		{"/scope?segment=smb", "/scope?segment=enterprise", "scatter"},
	} {
		a := option(tt.a, tt.chart)
		if b := option(tt.b, tt.chart); a == b {
			t.Errorf("%s and %s draw the same %s chart", tt.a, tt.b, tt.chart)
		}
		if again := option(tt.a, tt.chart); again != a {
			t.Errorf("%s drew a different %s chart the second time", tt.a, tt.chart)
		}
	}
}
