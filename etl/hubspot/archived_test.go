package hubspot_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestArchivedWhileListing checks that a record archived while the pull
// lists the archived records, on a page already passed, is landed by the
// next pull though a record found on a later page was archived after it:
// the archived cursor stays settle before the listing's start.
func TestArchivedWhileListing(t *testing.T) {
	fake := hubspotfake.New(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake.SetNow(start)
	for i := 1001; i <= 1150; i++ {
		r := firm(fmt.Sprint(i), t0)
		if i != 1050 {
			r.ArchivedAt = t0
		}
		fake.Put("companies", r)
	}
	fake.Put("companies", firm("1200", t0))
	var once atomic.Bool
	fake.OnCall(func(call string) {
		if strings.HasPrefix(call, "GET /crm/v3/objects/companies?after=") && strings.Contains(call, "archived=true") && once.CompareAndSwap(false, true) {
			// While the second page is asked for, 1050 (on the first)
			// and then 1200 (on the second) are archived.
			archive := func(id string, at time.Time) {
				r := firm(id, t0)
				r.ArchivedAt = at
				fake.Put("companies", r)
			}
			archive("1050", start.Add(time.Second))
			archive("1200", start.Add(2*time.Second))
		}
	})
	p := puller(t, fake)
	rep, err := p.pull(1)
	if err != nil {
		t.Fatal(err)
	}
	if !once.Load() {
		t.Fatal("the archived companies were not listed in two pages")
	}
	if o := rep.Objects[0]; o.Deleted != 150 {
		t.Errorf("pull 1 landed %d archived companies, want 150 (1050 was archived on a page passed, 1200 on the next)", o.Deleted)
	}

	fake.SetNow(start.Add(time.Hour))
	if _, err := p.pull(2); err != nil {
		t.Fatal(err)
	}
	archived := map[any]bool{}
	for _, line := range landed(t, p.dir, "companies", 2) {
		if line["archived"] == true {
			archived[line["hs_object_id"]] = true
		}
	}
	if !archived["1050"] {
		t.Errorf("pull 2 landed the archived %v, want 1050", archived)
	}
}
