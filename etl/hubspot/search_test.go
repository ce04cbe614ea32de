package hubspot_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/hubspot"
	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestSearchChangedWhilePaging checks that a record changed while a
// search pages through what changed, and so moved to the end of the
// results, does not make the pull skip the record that took its place:
// every record lands.
func TestSearchChangedWhilePaging(t *testing.T) {
	fake := hubspotfake.New(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake.SetNow(start)
	fake.Put("companies", firm("1", t0))
	p := puller(t, fake)
	if _, err := p.pull(1); err != nil {
		t.Fatal(err)
	}

	for i := 1; i <= 250; i++ {
		fake.Put("companies", firm(fmt.Sprint(100+i), start.Add(time.Minute+time.Duration(i)*time.Millisecond)))
	}
	fake.SetNow(start.Add(time.Hour))
	var searches atomic.Int32
	fake.OnCall(func(call string) {
		if strings.HasPrefix(call, "POST /crm/v3/objects/companies/search") && searches.Add(1) == 2 {
			// Company 105, on the first page, changes: it moves to the end.
			fake.Put("companies", firm("105", start.Add(30*time.Minute)))
		}
	})
	if _, err := p.pull(2); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, line := range landed(t, p.dir, "companies", 2) {
		seen[line["hs_object_id"].(string)]++
	}
	for i := 1; i <= 250; i++ {
		if id := fmt.Sprint(100 + i); seen[id] == 0 {
			t.Errorf("company %s was not landed", id)
		}
	}
	if seen["105"] != 2 {
		t.Errorf("company 105 landed %d times, want its two versions", seen["105"])
	}
}

// TestSearchSameMillisecond checks that more than a page of records
// changed in one millisecond are paged through by offset (a search from
// that time would find the same first page again), each landed once.
func TestSearchSameMillisecond(t *testing.T) {
	fake := hubspotfake.New(t)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	fake.SetNow(start)
	p := puller(t, fake)
	if _, err := p.pull(1); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 250; i++ {
		fake.Put("companies", firm(fmt.Sprint(100+i), start.Add(time.Minute)))
	}
	fake.Put("companies", firm("400", start.Add(2*time.Minute)))
	fake.SetNow(start.Add(time.Hour))
	fake.Reset()
	if _, err := p.pull(2); err != nil {
		t.Fatal(err)
	}
	var searches []string
	for _, c := range fake.Reset() {
		if strings.HasPrefix(c, "POST /crm/v3/objects/companies/search") {
			searches = append(searches, strings.TrimPrefix(c, "POST /crm/v3/objects/companies/search "))
		}
	}
	m := fmt.Sprint(start.Add(time.Minute).UnixMilli())
	want := []string{"GTE " + fmt.Sprint(start.Add(-settle).UnixMilli()) + ` after ""`, "GTE " + m + ` after ""`, "GTE " + m + ` after "100"`, "GTE " + m + ` after "200"`}
	if !slices.Equal(searches, want) {
		t.Errorf("searches\n%s\nwant\n%s", strings.Join(searches, "\n"), strings.Join(want, "\n"))
	}
	seen := map[string]int{}
	for _, line := range landed(t, p.dir, "companies", 2) {
		seen[line["hs_object_id"].(string)]++
	}
	if len(seen) != 251 || seen["101"] != 1 || seen["350"] != 1 || seen["400"] != 1 {
		t.Errorf("landed %d companies (101 %d times, 350 %d, 400 %d), want the 251 once each", len(seen), seen["101"], seen["350"], seen["400"])
	}
}

// settle is how long before a search's start a record must have changed
// for the saved cursor to pass it (docs/sources.md).
const settle = 5 * time.Minute

// firm is a company changed at modified.
func firm(id string, modified time.Time) hubspotfake.Record {
	return hubspotfake.Record{ID: id, Created: t0, Modified: modified, Props: map[string]string{"name": "Company " + id, "country": "US"}}
}

// pullRuns pulls a fake account into a folder, run by run.
type pullRuns struct {
	src *hubspot.Source
	dir string
}

// puller is a pull of fake with its own landing folder and cursors.
func puller(t *testing.T, fake *hubspotfake.HubSpot) *pullRuns {
	t.Helper()
	t.Setenv("TEST_HUBSPOT_TOKEN", hubspotfake.Token)
	return &pullRuns{
		src: &hubspot.Source{SourceName: "crm", Settings: hubspot.Settings{APIURL: fake.URL(), AccessTokenEnv: "TEST_HUBSPOT_TOKEN"}, Retries: -1},
		dir: t.TempDir(),
	}
}

// pull is run run's pull.
func (p *pullRuns) pull(run int) (etl.PullReport, error) {
	return p.src.Pull(context.Background(), etl.PullEnv{RunID: run, Landing: filepath.Join(p.dir, "landing"), Cursors: filepath.Join(p.dir, "cursors.json")})
}

// landed are the lines run run landed of object (none when it landed no file).
func landed(t *testing.T, dir, object string, run int) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "landing", "hubspot", object, fmt.Sprintf("run-%06d.jsonl", run)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}
