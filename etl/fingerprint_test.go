package etl

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// fpModels is a models step that builds nothing and says what it depends
// on; fp nil makes it a step that cannot say. It reports the models in
// volatile as computed on every run.
type fpModels struct {
	fp       *string
	volatile []string
}

func (m fpModels) Build(context.Context, BuildEnv) (ModelsReport, error) {
	return ModelsReport{Volatile: m.volatile}, nil
}

// fingerprinted is fpModels with a fingerprint.
type fingerprinted struct{ fpModels }

func (m fingerprinted) Fingerprint() (string, error) { return *m.fp, nil }

// TestNothingChanged checks that a run whose source files, options,
// program and models are those of the run that published the warehouse
// keeps that generation: it publishes nothing, changes no byte of it, and
// says so in the run log; and that any change among those inputs, a
// --full-refresh, a models step that cannot say what it depends on, or a
// damaged warehouse makes the run build.
func TestNothingChanged(t *testing.T) {
	models := "sql v1, as of 2026-06-30"
	withModels := func(o *Options) { o.Models = fingerprinted{fpModels{fp: &models}}; o.Program = "precedent v1" }
	tests := []struct {
		name   string
		change func(t *testing.T, src string, data wh.Dir, o *Options)
		keeps  bool
	}{
		{"SameInputs", nil, true},
		{"HiddenFileAdded", func(t *testing.T, src string, _ wh.Dir, _ *Options) {
			fixture.WriteFile(t, filepath.Join(src, ".notes.txt"), "not read, but warned about")
		}, false},
		{"FileChanged", func(t *testing.T, src string, _ wh.Dir, _ *Options) {
			b, _ := os.ReadFile(filepath.Join(src, "reps.csv"))
			fixture.WriteFile(t, filepath.Join(src, "reps.csv"), string(b)+"REP-9,Ana Lopez,Enterprise East,\n")
		}, false},
		{"FileAdded", func(t *testing.T, src string, _ wh.Dir, _ *Options) {
			fixture.WriteFile(t, filepath.Join(src, "notes.txt"), "not an entity")
		}, false},
		{"FileRenamed", func(t *testing.T, src string, _ wh.Dir, _ *Options) {
			os.Mkdir(filepath.Join(src, "reps"), 0o755)
			os.Rename(filepath.Join(src, "reps.csv"), filepath.Join(src, "reps", "2026.csv"))
		}, false},
		{"ModelsChanged", func(*testing.T, string, wh.Dir, *Options) { models = "sql v1, as of 2026-07-01" }, false},
		{"ProgramChanged", func(_ *testing.T, _ string, _ wh.Dir, o *Options) { o.Program = "precedent v2" }, false},
		{"SettingChanged", func(_ *testing.T, _ string, _ wh.Dir, o *Options) { o.MaxTextLength = 100 }, false},
		{"FullRefresh", func(_ *testing.T, _ string, _ wh.Dir, o *Options) { o.FullRefresh = true }, false},
		{"ModelsCannotSay", func(_ *testing.T, _ string, _ wh.Dir, o *Options) { o.Models = fpModels{} }, false},
		{"Damaged", func(t *testing.T, _ string, data wh.Dir, _ *Options) {
			g, err := data.Published()
			if err != nil {
				t.Fatal(err)
			}
			warehousetest.Damage(t, g.Path)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			models = "sql v1, as of 2026-06-30"
			src := fixture.CopySource(t, "testdata/good")
			data := wh.Dir(t.TempDir())
			first := mustRun(t, src, data, withModels)
			if first.Fingerprint == "" || first.Kept != 0 {
				t.Fatalf("first run: fingerprint %q, kept %d", first.Fingerprint, first.Kept)
			}
			g1, err := data.Published()
			if err != nil {
				t.Fatal(err)
			}
			before, err := os.ReadFile(g1.Path)
			if err != nil {
				t.Fatal(err)
			}
			mods := []func(*Options){withModels}
			if tt.change != nil {
				mods = append(mods, func(o *Options) { tt.change(t, src, data, o) })
			}
			res := mustRun(t, src, data, mods...)
			g2, err := data.Published()
			if err != nil {
				t.Fatal(err)
			}
			if !tt.keeps {
				if res.Kept != 0 || g2.ID != res.RunID || res.Status == runlog.Unchanged {
					t.Errorf("run %d kept generation %d (status %s, published %d); want a new generation", res.RunID, res.Kept, res.Status, g2.ID)
				}
				return
			}
			if res.Kept != g1.ID || res.Status != runlog.Unchanged || g2.ID != g1.ID {
				t.Errorf("run %d: kept %d, status %s, published %d; want generation %d kept", res.RunID, res.Kept, res.Status, g2.ID, g1.ID)
			}
			after, err := os.ReadFile(g1.Path)
			if err != nil {
				t.Fatal(err)
			}
			if string(after) != string(before) {
				t.Errorf("the kept generation's file changed")
			}
			gens, err := data.List()
			if err != nil || len(gens) != 1 {
				t.Errorf("generations: %v (%v), want only %d", gens, err, g1.ID)
			}
			runs, err := runlog.Open(data.RunLog()).Runs("etl")
			if err != nil || len(runs) != 2 || runs[1].Status != runlog.Unchanged {
				t.Errorf("run log: %+v (%v), want the second run unchanged", runs, err)
			}
			// A third run still keeps it: the kept run is no publisher to
			// catch up with.
			if res := mustRun(t, src, data, withModels); res.Kept != g1.ID || res.Recovered != "" {
				t.Errorf("third run: kept %d, recovered %q", res.Kept, res.Recovered)
			}
		})
	}
}

// TestNothingChangedKeepsWarnings checks that a kept run carries the
// warnings of the run that published, since they still hold.
func TestNothingChangedKeepsWarnings(t *testing.T) {
	models := "v1"
	src := fixture.CopySource(t, "testdata/good")
	fixture.WriteFile(t, filepath.Join(src, ".notes.txt"), "hidden: skipped with a warning")
	data := wh.Dir(t.TempDir())
	withModels := func(o *Options) { o.Models = fingerprinted{fpModels{fp: &models}} }
	first := mustRun(t, src, data, withModels)
	if first.Status != runlog.Warning || len(first.Warnings) == 0 {
		t.Fatalf("first run: %s %v; want a warning for .notes.txt", first.Status, first.Warnings)
	}
	res := mustRun(t, src, data, withModels)
	if res.Status != runlog.Unchanged || len(res.Warnings) != len(first.Warnings) || res.Warnings[0] != first.Warnings[0] {
		t.Errorf("kept run: %s %v; want unchanged with %v", res.Status, res.Warnings, first.Warnings)
	}
}

// TestVolatileModelsBuildEveryRun checks that a run whose models step
// built a model reading a file or the clock records no fingerprint, so
// that the next run on the same inputs builds rather than keeps its
// generation: that model's rows may differ.
func TestVolatileModelsBuildEveryRun(t *testing.T) {
	models := "sql v1"
	volatile := func(o *Options) {
		o.Models = fingerprinted{fpModels{fp: &models, volatile: []string{"external_rates"}}}
	}
	src := fixture.CopySource(t, "testdata/good")
	data := wh.Dir(t.TempDir())
	if first := mustRun(t, src, data, volatile); first.Fingerprint != "" {
		t.Errorf("first run recorded fingerprint %q; want none", first.Fingerprint)
	}
	second := mustRun(t, src, data, volatile)
	if second.Kept != 0 || second.Status == runlog.Unchanged {
		t.Errorf("second run: kept %d, status %s; want a new generation", second.Kept, second.Status)
	}
}
