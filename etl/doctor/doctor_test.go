package doctor

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
)

// loaded is a data directory with three generations, built once.
var loaded wh.Dir

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "precedent-doctor-test")
	if err != nil {
		panic(err)
	}
	code := 1
	if err := build(dir); err != nil {
		os.Stderr.WriteString("build test data: " + err.Error() + "\n")
	} else {
		code = m.Run()
	}
	os.RemoveAll(dir)
	os.Exit(code)
}

func build(dir string) error {
	loaded = wh.Dir(filepath.Join(dir, "data"))
	more := filepath.Join(dir, "more")
	if err := os.MkdirAll(more, 0o755); err != nil {
		return err
	}
	for i, accounts := range []string{"", "ACC-9,New Co,smb\n", "ACC-10,Newer Co,smb\n"} {
		src := "../testdata/good"
		if i > 0 {
			src = more
			if err := os.WriteFile(filepath.Join(more, "accounts.csv"), []byte("account_id,account_name,segment\n"+accounts), 0o644); err != nil {
				return err
			}
		}
		if _, err := etl.Run(context.Background(), etl.Options{Source: src, Data: loaded, DuckDB: wh.Settings{Threads: 1}}); err != nil {
			return err
		}
	}
	return nil
}

// fresh copies the loaded data directory, links and all.
func fresh(t *testing.T) wh.Dir {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(string(loaded), func(path string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(string(loaded), path)
		to := filepath.Join(dst, rel)
		switch {
		case e.IsDir():
			return os.MkdirAll(to, 0o755)
		case e.Type()&os.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return wh.Dir(dst)
}

func gen(d wh.Dir, id int) string {
	return filepath.Join(d.Generations(), strings.Replace("gen-00000N.duckdb", "N", string(rune('0'+id)), 1))
}

// TestDoctor damages a real data directory in each way a review found,
// runs doctor, then doctor --repair, then doctor again: each finding is
// one line, problems remain until repaired, and no generation is ever
// deleted.
func TestDoctor(t *testing.T) {
	tests := []struct {
		name        string
		damage      func(t *testing.T, d wh.Dir)
		found       []string // each a line of the first check
		repaired    []string // each a line of the repair
		remain      int      // problems left after the repair
		publishedID int      // what the link names afterwards
	}{
		{"Healthy", func(*testing.T, wh.Dir) {}, []string{"ok       warehouse.duckdb points at gen-000003.duckdb",
			"ok       gen-000001.duckdb: checksum matches", "ok       lake: 13 of the 13 files gen-000003.duckdb lists match their checksums",
			"ok       no leftovers"}, nil, 0, 3},
		{"DamagedPublished", func(t *testing.T, d wh.Dir) { warehousetest.Damage(t, gen(d, 3)) },
			[]string{"problem  warehouse.duckdb: gen-000003.duckdb is damaged: its SHA-256 is", "precedent doctor --repair points it at gen-000002.duckdb",
				"problem  gen-000003.duckdb is damaged", "lake: 12 of the 12 files gen-000002.duckdb lists"},
			[]string{"repaired warehouse.duckdb: gen-000003.duckdb is damaged", "it now points at gen-000002.duckdb",
				"repaired gen-000003.duckdb is damaged: its SHA-256 is", "; moved to "}, 0, 2},
		{"DanglingLink", func(t *testing.T, d wh.Dir) { os.Remove(gen(d, 3)) },
			[]string{"problem  warehouse.duckdb: gen-000003.duckdb is damaged: the file is missing"},
			[]string{"repaired warehouse.duckdb: gen-000003.duckdb is damaged: the file is missing; it now points at gen-000002.duckdb"}, 0, 2},
		{"Leftovers", func(t *testing.T, d wh.Dir) {
			os.WriteFile(d.Staging(4)+".wal", []byte("x"), 0o644)
			os.MkdirAll(d.Stage(4), 0o755)
			os.Symlink("warehouse/gen-000001.duckdb", d.Current()+".next")
		}, []string{"problem  warehouse/gen-000004.duckdb.building.wal: staging file of a run that did not finish (precedent doctor --repair clears it)",
			"problem  .staging/run-000004: files of a run that did not finish", "problem  warehouse.duckdb.next: temporary link"},
			[]string{"repaired warehouse/gen-000004.duckdb.building.wal: staging file of a run that did not finish; cleared",
				"repaired .staging/run-000004", "repaired warehouse.duckdb.next"}, 0, 3},
		{"DamagedLake", func(t *testing.T, d wh.Dir) { warehousetest.Damage(t, d.Path(wh.LakeEntity("deals", 1))) },
			[]string{"problem  lake/deals/run-000001.parquet is damaged: its SHA-256 is", "precedent etl --full-refresh writes the lake again"},
			nil, 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fresh(t)
			tt.damage(t, d)
			before := countGenerations(t, d)
			first := check(t, d, false)
			for _, want := range tt.found {
				if !strings.Contains(first.text, want) {
					t.Errorf("the check lacks %q:\n%s", want, first.text)
				}
			}
			if tt.found != nil && tt.name != "Healthy" && first.problems == 0 {
				t.Errorf("the check found no problem:\n%s", first.text)
			}
			second := check(t, d, true)
			for _, want := range tt.repaired {
				if !strings.Contains(second.text, want) {
					t.Errorf("the repair lacks %q:\n%s", want, second.text)
				}
			}
			third := check(t, d, false)
			if third.problems != tt.remain {
				t.Errorf("after the repair %d problems remain, want %d:\n%s", third.problems, tt.remain, third.text)
			}
			if g, err := d.Published(); err != nil || g.ID != tt.publishedID {
				t.Errorf("published = %d (%v), want %d", g.ID, err, tt.publishedID)
			}
			if after := countGenerations(t, d); after != before {
				t.Errorf("%d generations before, %d after: doctor deleted one", before, after)
			}
		})
	}
}

type checked struct {
	text     string
	problems int
}

func check(t *testing.T, d wh.Dir, repair bool) checked {
	t.Helper()
	r, err := Run(context.Background(), Options{Data: d, Repair: repair, DuckDB: wh.Settings{Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, f := range r.Findings {
		if strings.Contains(f.Text, "\n") {
			t.Errorf("a finding spans lines: %q", f.Text)
		}
		b.WriteString(Line(f) + "\n")
	}
	return checked{b.String(), r.Problems()}
}

// countGenerations counts generation files, in the warehouse folder or
// set aside.
func countGenerations(t *testing.T, d wh.Dir) int {
	t.Helper()
	n := 0
	for _, dir := range []string{d.Generations(), filepath.Join(d.Damaged(), "warehouse")} {
		files, _ := filepath.Glob(filepath.Join(dir, "gen-*.duckdb"))
		n += len(files)
	}
	return n
}

// TestDoctorWaitsForETL: repair never runs while an ETL holds the lock,
// and a check then leaves the run's files alone.
func TestDoctorWaitsForETL(t *testing.T) {
	d := fresh(t)
	lock, err := runlog.TryLock(string(d), "etl")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Unlock()
	os.WriteFile(d.Staging(4), []byte("x"), 0o644)
	if _, err := Run(context.Background(), Options{Data: d, Repair: true}); !errors.Is(err, ErrBusy) {
		t.Errorf("repair during a run: err = %v, want ErrBusy", err)
	}
	r, err := Run(context.Background(), Options{Data: d})
	if err != nil {
		t.Fatal(err)
	}
	if r.Problems() != 0 {
		t.Errorf("a running ETL's staging file was reported: %+v", r.Findings)
	}
	if _, err := os.Stat(d.Staging(4)); err != nil {
		t.Errorf("the running ETL's file was touched: %v", err)
	}
}
