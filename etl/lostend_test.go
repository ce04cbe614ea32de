package etl

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
	"github.com/precedent-dev/precedent/internal/fixture"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// TestLostEnd checks what the next run makes of a run whose process died
// (kill -9) with its run log record still "running": one that had
// published its generation is recorded as it ended, from the generation,
// with the counts it recorded there; one that had not stays abandoned.
// The run log is left as such a kill leaves it: the run's last record
// removed, its process gone.
func TestLostEnd(t *testing.T) {
	for _, tt := range []struct {
		name      string
		published bool
		want      string
	}{
		{"PublishedBeforeTheKill", true, runlog.Success},
		{"KilledBeforePublishing", false, runlog.Abandoned},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := fixture.CopySource(t, "testdata/good")
			data := wh.Dir(t.TempDir())
			mustRun(t, src, data)
			var second *Result
			var lines [][]byte
			if tt.published {
				second = mustRun(t, src, data, func(o *Options) { o.FullRefresh = true })
				lines = bytes.SplitAfter(must(os.ReadFile(data.RunLog())), []byte("\n"))
				lines = lines[:len(lines)-2] // the second run's end, and the empty rest
			} else {
				// Started, then killed before publishing: only its start.
				lines = bytes.SplitAfter(must(os.ReadFile(data.RunLog())), []byte("\n"))
				lines = lines[:len(lines)-1]
				r := runlog.Record{Kind: "etl", ID: 2, Trigger: "manual", Status: runlog.Running, StartedAt: time.Now().UTC()}
				lines = append(lines, append(must(json.Marshal(r)), '\n'))
			}
			var started runlog.Record
			if err := json.Unmarshal(lines[len(lines)-1], &started); err != nil || started.ID != 2 || started.Status != runlog.Running {
				t.Fatalf("the run log's last record %+v (%v), want run 2 running", started, err)
			}
			started.PID = deadPID(t)
			lines[len(lines)-1] = append(must(json.Marshal(started)), '\n')
			if err := os.WriteFile(data.RunLog(), bytes.Join(lines, nil), 0o644); err != nil {
				t.Fatal(err)
			}
			third := mustRun(t, src, data)
			runs := must(runlog.Open(data.RunLog()).Runs("etl"))
			if len(runs) != 3 || runs[1].ID != 2 || runs[2].ID != third.RunID {
				t.Fatalf("runs %+v, want 1, 2 and 3", runs)
			}
			got := runs[1]
			if got.Status != tt.want {
				t.Fatalf("run 2 %s, want %s", got.Status, tt.want)
			}
			if !tt.published {
				return
			}
			var res Result
			if err := json.Unmarshal(got.Detail, &res); err != nil {
				t.Fatal(err)
			}
			if a, b := must(json.Marshal(res.Entities)), must(json.Marshal(second.Entities)); !bytes.Equal(a, b) {
				t.Errorf("run 2's entities\n%s\nwant as it ran\n%s", a, b)
			}
			if len(res.Files) != len(second.Files) || got.EndedAt.IsZero() || got.EndedAt.After(runs[2].StartedAt) || len(res.Warnings) == 0 {
				t.Errorf("run 2's record %+v: want its %d files, its end before run 3 and a warning", got, len(second.Files))
			}
			// What a rebuild replays it by, and what the no-op compares.
			if a, b := must(json.Marshal(res.Lake)), must(json.Marshal(second.Lake)); !bytes.Equal(a, b) || len(second.Lake) == 0 {
				t.Errorf("run 2's lake files\n%s\nwant as it wrote them\n%s", a, b)
			}
			if !res.FullRefresh || res.Fingerprint != second.Fingerprint || second.Fingerprint == "" {
				t.Errorf("run 2's record: full refresh %v, fingerprint %q; want a full refresh with fingerprint %q", res.FullRefresh, res.Fingerprint, second.Fingerprint)
			}
			if third.Kept != 2 {
				t.Errorf("run 3 kept generation %d, want 2: nothing changed since run 2", third.Kept)
			}
			mustRun(t, src, data, func(o *Options) { o.FullRefresh = true })
			db := fixture.OpenPublished(t, data)
			var status string
			if err := db.QueryRow("SELECT status FROM etl_runs WHERE run_id = 2").Scan(&status); err != nil || status != runlog.Success {
				t.Errorf("the next generation's etl_runs says run 2 %q (%v), want success", status, err)
			}
		})
	}
}

// TestFailureAfterPublishing checks a run that publishes its generation
// and then cannot commit its lake files (a file stands where the lake
// folder goes): it is recorded as the run that published, with a warning,
// not as failed, and the next run commits its files and, nothing having
// changed, keeps its generation.
func TestFailureAfterPublishing(t *testing.T) {
	src := fixture.CopySource(t, "testdata/good")
	data := wh.Dir(t.TempDir())
	fixture.WriteFile(t, data.Lake(), "in the way")
	res, err := runETL(t, src, data)
	if err != nil {
		t.Fatalf("a run that published failed: %v", err)
	}
	if res.Status != runlog.Warning || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "generation 1 is published, but") {
		t.Fatalf("run 1: %s, warnings %q; want a warning that it published but did not finish", res.Status, res.Warnings)
	}
	runs := must(runlog.Open(data.RunLog()).Runs("etl"))
	if len(runs) != 1 || runs[0].Status != runlog.Warning {
		t.Fatalf("run log %+v, want run 1 recorded with a warning", runs)
	}
	if g, err := data.Published(); err != nil || g.ID != 1 {
		t.Fatalf("published %+v (%v), want generation 1", g, err)
	}
	if err := os.Remove(data.Lake()); err != nil {
		t.Fatal(err)
	}
	next := mustRun(t, src, data)
	if next.Kept != 1 {
		t.Errorf("run 2 kept generation %d, want 1: nothing changed since run 1", next.Kept)
	}
	for _, f := range res.Lake {
		if _, err := os.Stat(data.Path(f.Path)); err != nil {
			t.Errorf("run 1's lake file after run 2: %v", err)
		}
	}
	if len(res.Lake) == 0 {
		t.Error("run 1 wrote no lake file")
	}
}

// deadPID is the process id of a process that has ended.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.Pid()
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
