package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/etl/warehouse/warehousetest"
)

// TestHealing damages the live generation between commands, as the review
// did: etl and etl --full-refresh rebuild and print RECOVERED, doctor
// exits non-zero while a problem remains, and doctor --repair fixes what
// it can.
func TestHealing(t *testing.T) {
	data, cfg := loaded(t)
	d := wh.Dir(data)
	// A new as-of date: the same files and settings would keep generation 1.
	mustRun(t, "", "etl", "--config", cfg, "--as-of", "2026-11-27")
	damage := func(id int) {
		t.Helper()
		g, err := d.Published()
		if err != nil || g.ID != id {
			t.Fatalf("published = %d (%v), want %d", g.ID, err, id)
		}
		warehousetest.Damage(t, g.Path)
	}

	damage(2)
	out := mustRun(t, "", "etl", "--config", cfg)
	for _, want := range []string{"RECOVERED: gen-000002.duckdb is damaged: its SHA-256 is", "rebuilt from generation 1 and the lake files of run 2", "run 3: warning"} {
		if !strings.Contains(out, want) {
			t.Errorf("etl output lacks %q:\n%s", want, out)
		}
	}
	damage(3)
	out = mustRun(t, "", "etl", "--config", cfg, "--full-refresh")
	if !strings.Contains(out, "RECOVERED: gen-000003.duckdb is damaged") || !strings.Contains(out, "full refresh from the source") {
		t.Errorf("etl --full-refresh output:\n%s", out)
	}
	if out := mustRun(t, "", "doctor", "--config", cfg); !strings.Contains(out, "ok       warehouse.duckdb points at gen-000004.duckdb") {
		t.Errorf("doctor after the rebuilds:\n%s", out)
	}

	damage(4)
	if err := os.WriteFile(filepath.Join(d.Generations(), "gen-000009.duckdb.building.wal"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "", "doctor", "--config", cfg)
	if err == nil || !strings.Contains(err.Error(), "3 problem(s) remain") {
		t.Errorf("doctor on a damaged warehouse: err = %v\n%s", err, out)
	}
	out = mustRun(t, "", "doctor", "--config", cfg, "--repair")
	for _, want := range []string{"repaired warehouse.duckdb: gen-000004.duckdb is damaged", "repaired warehouse/gen-000009.duckdb.building.wal"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor --repair lacks %q:\n%s", want, out)
		}
	}
	mustRun(t, "", "doctor", "--config", cfg)
	if out := mustRun(t, "", "sql", "--config", cfg, "--format", "csv", "SELECT count(*) AS n FROM deals"); !strings.Contains(out, "n\n5") {
		t.Errorf("the repaired warehouse answers:\n%s", out)
	}
	// The link now names generation 1: the next run replays the runs since.
	out = mustRun(t, "", "etl", "--config", cfg)
	if !strings.Contains(out, "RECOVERED: gen-000001.duckdb is published, but runs 2, 3, 4 published after it") {
		t.Errorf("etl after the repair:\n%s", out)
	}
	if out := mustRun(t, "", "doctor", "--config", cfg); !strings.Contains(out, "ok       warehouse.duckdb points at gen-000005.duckdb") || !strings.Contains(out, "ok       lake: ") {
		t.Errorf("doctor after the catch-up:\n%s", out)
	}
}
