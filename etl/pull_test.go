package etl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// fileSource is a helpdesk that lands its Zendesk organizations and
// tickets (API objects, one per line) at each pull, or fails.
type fileSource struct {
	name    string
	objects map[string]string // zendesk object -> its JSON lines
	fail    error
}

func (s *fileSource) Name() string { return s.name }

func (s *fileSource) Pull(_ context.Context, env PullEnv) (PullReport, error) {
	if s.fail != nil {
		return PullReport{}, s.fail
	}
	var rep PullReport
	for object, lines := range s.objects {
		rel := filepath.Join("zendesk", object, fmt.Sprintf("run-%06d.jsonl", env.RunID))
		if err := os.MkdirAll(filepath.Dir(filepath.Join(env.Landing, rel)), 0o755); err != nil {
			return rep, err
		}
		if err := os.WriteFile(filepath.Join(env.Landing, rel), []byte(lines), 0o644); err != nil {
			return rep, err
		}
		rep.Objects = append(rep.Objects, PullObject{Object: "zendesk/" + object, Rows: 1, File: rel})
	}
	return rep, nil
}

// TestPullLandsWithoutLoading checks precedent pull's run: it lands what a
// source holds new under the ETL's run ids and lock, publishes nothing,
// records status landed (or failed, with the reason), and the next ETL
// run loads what was landed.
func TestPullLandsWithoutLoading(t *testing.T) {
	data := wh.Dir(t.TempDir())
	mustRun(t, "testdata/good", data)
	src := &fileSource{name: "helpdesk", objects: map[string]string{
		"organizations": `{"id": 501, "name": "Acme", "external_id": "ACC-1"}` + "\n",
		"tickets":       `{"id": 7001, "organization_id": 501, "created_at": "2022-05-01T10:00:00Z", "updated_at": "2022-05-02T10:00:00Z", "status": "solved", "type": "question", "subject": "Pulled", "tags": ["question"]}` + "\n",
	}}
	res, err := Pull(context.Background(), Options{Source: "testdata/good", Data: data, Pullers: []Puller{src}})
	if err != nil {
		t.Fatal(err)
	}
	if res.RunID != 2 || res.Status != runlog.Landed {
		t.Errorf("pull: run %d %s, want run 2 landed", res.RunID, res.Status)
	}
	if _, err := os.Stat(filepath.Join(data.Landing("helpdesk"), "zendesk", "tickets", "run-000002.jsonl")); err != nil {
		t.Errorf("nothing landed: %v", err)
	}
	if g, _ := data.Published(); g.ID != 1 {
		t.Errorf("the pull published generation %d; want 1 kept", g.ID)
	}
	// A failed pull is recorded with its reason.
	failing := &fileSource{name: "helpdesk", fail: errors.New("the helpdesk answered 503")}
	if _, err := Pull(context.Background(), Options{Source: "testdata/good", Data: data, Pullers: []Puller{failing}}); err == nil {
		t.Error("a failing pull returned no error")
	}
	runs, err := runlog.Open(data.RunLog()).Runs("etl")
	if err != nil || len(runs) != 3 || runs[1].Status != runlog.Landed || runs[2].Status != runlog.Failed || runs[2].Error == "" {
		t.Fatalf("run log: %+v (%v); want run 2 landed, run 3 failed with its reason", runs, err)
	}
	// The next ETL run (its own pull lands nothing new) loads the landed ticket.
	quiet := &fileSource{name: "helpdesk"}
	next := mustRun(t, "testdata/good", data, func(o *Options) { o.Pullers = []Puller{quiet} })
	if next.Status == runlog.Unchanged {
		t.Fatalf("the ETL run after a pull kept the generation")
	}
	if n := fixture.Value(t, fixture.OpenPublished(t, data), "SELECT count(*) FROM tickets WHERE ticket_id = '7001' AND account_id = 'ACC-1'"); n != "1" {
		t.Errorf("the landed ticket loaded %s times, want 1", n)
	}
}
