package hubspot_test

import (
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestSettle checks that the saved cursor stays settle before the
// search's start by HubSpot's clock (its Date header): a record the
// search did not find yet ("it may take a few moments for newly created
// or updated CRM objects to appear in search results"), changed before
// one it found, is landed by the next pull.
func TestSettle(t *testing.T) {
	fake := hubspotfake.New(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake.SetNow(start)
	fake.Put("companies", firm("1", t0))
	p := puller(t, fake)
	rep, err := p.pull(1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cursorOf(rep, "hubspot/companies"), start.Add(-settle); got != want.Format(time.RFC3339Nano) {
		t.Errorf("cursor after the first listing %s, want settle before its start, %s", got, want)
	}

	now := start.Add(time.Hour)
	fake.Put("companies", firm("2", now.Add(-10*time.Second)))
	late := firm("3", now.Add(-20*time.Second))
	late.Indexed = now.Add(30 * time.Second)
	fake.Put("companies", late)
	fake.SetNow(now)
	if rep, err = p.pull(2); err != nil {
		t.Fatal(err)
	}
	if got, want := cursorOf(rep, "hubspot/companies"), now.Add(-settle); got != want.Format(time.RFC3339Nano) {
		t.Errorf("cursor %s, want settle before the search's start, %s", got, want)
	}
	if lines := landed(t, p.dir, "companies", 2); len(lines) != 1 || lines[0]["hs_object_id"] != "2" {
		t.Errorf("pull 2 landed %v, want company 2 (3 is not found yet)", lines)
	}

	fake.SetNow(now.Add(time.Hour))
	if _, err := p.pull(3); err != nil {
		t.Fatal(err)
	}
	ids := map[any]bool{}
	for _, line := range landed(t, p.dir, "companies", 3) {
		ids[line["hs_object_id"]] = true
	}
	if !ids["3"] {
		t.Errorf("pull 3 landed %v, want company 3, found late", ids)
	}
}

// cursorOf is the cursor a pull report gives object.
func cursorOf(rep etl.PullReport, object string) string {
	for _, o := range rep.Objects {
		if o.Object == object {
			return o.Cursor
		}
	}
	return ""
}
