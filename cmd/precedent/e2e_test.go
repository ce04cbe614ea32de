package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// buildBinary builds the precedent command once for the end-to-end tests.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "precedent")
	cmd := exec.Command("go", "build", "-tags", "duckdb_arrow", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestEndToEndKill runs the built binary: generate, load, kill -9 a second
// load mid-run, then check the first load still answers and a rerun
// completes with reconciled counts.
func TestEndToEndKill(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	src, data := filepath.Join(dir, "src"), filepath.Join(dir, "data")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--as-of", "2026-11-26")...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("precedent %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("generate", "--out", src, "--scale", "0.5", "--seed", "7")
	first := run("etl", "--source", src, "--data", data)
	if !strings.Contains(first, "run 1: success") {
		t.Fatalf("first load:\n%s", first)
	}
	count := func() string {
		return strings.TrimSpace(run("sql", "--data", data, "--format", "csv", "SELECT (SELECT count(*) FROM deals) || '/' || (SELECT count(*) FROM invoices) AS n"))
	}
	before := count()

	// A second, full load, killed once it is loading invoices.
	killAt(t, bin, dir, "entity=invoices", "etl", "--source", src, "--data", data, "--full-refresh", "--as-of", "2026-11-26")
	if _, err := os.Stat(filepath.Join(data, "warehouse", "gen-000002.duckdb.building")); err != nil {
		t.Fatalf("the killed run left no half-built generation, so it was not mid-run: %v", err)
	}

	// The warehouse still answers with the first load.
	if after := count(); after != before {
		t.Errorf("after the kill the warehouse answers %s, want the first load's %s", after, before)
	}
	g, err := wh.Dir(data).Published()
	if err != nil || g.ID != 1 {
		t.Errorf("published generation = %d (%v), want 1", g.ID, err)
	}
	runs, _ := runlog.Open(wh.Dir(data).RunLog()).Runs("etl")
	if len(runs) != 2 || runs[1].Status != runlog.Abandoned {
		t.Errorf("run log = %+v, want run 2 abandoned", runs)
	}

	// A rerun completes, cleans up, and its counts reconcile.
	rerun := run("etl", "--source", src, "--data", data, "--full-refresh")
	if !strings.Contains(rerun, "run 3: success") {
		t.Fatalf("rerun:\n%s", rerun)
	}
	if after := count(); after != before {
		t.Errorf("after the rerun the warehouse answers %s, want %s", after, before)
	}
	recon := run("sql", "--data", data, "--format", "csv", `SELECT count(*) FROM etl_run_entities WHERE run_id = 3 AND rows_read <> rows_loaded + rows_quarantined`)
	if !strings.HasSuffix(strings.TrimSpace(recon), "\n0") {
		t.Errorf("entities whose counts do not reconcile:\n%s", recon)
	}
	files := run("sql", "--data", data, "--format", "csv", `SELECT string_agg(DISTINCT entity || ':' || (rows_read = rows_loaded + rows_quarantined), ',') FROM etl_files WHERE run_id = 3`)
	if strings.Contains(files, "false") {
		t.Errorf("files whose counts do not reconcile: %s", files)
	}
	for _, leftover := range []string{"warehouse/gen-000002.duckdb.building", ".staging/run-000002"} {
		if _, err := os.Stat(filepath.Join(data, leftover)); !os.IsNotExist(err) {
			t.Errorf("%s still there after the rerun", leftover)
		}
	}
	lake, _ := filepath.Glob(filepath.Join(data, "lake", "*", "run-000002.parquet"))
	if len(lake) > 0 {
		t.Errorf("the killed run's lake files were published: %v", lake)
	}
	if old, _ := filepath.Glob(filepath.Join(data, "lake", "deals", "run-000001.parquet")); len(old) > 0 {
		t.Errorf("the full refresh kept the first run's lake files")
	}

	// A delta run (20 new tickets in a new file of a tickets/ folder),
	// killed while it builds the models, on a generation it copies models
	// from: the warehouse still answers with run 3, and the rerun loads the
	// new tickets once, keeping the models the tickets do not reach.
	tickets := func() int {
		var n int
		out := strings.TrimSpace(run("sql", "--data", data, "--format", "csv", "SELECT count(*) AS n FROM tickets"))
		fmt.Sscan(strings.TrimPrefix(out, "n\n"), &n)
		return n
	}
	ticketsBefore := tickets()
	b, err := os.ReadFile(filepath.Join(src, "tickets.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	added := []string{lines[0]}
	for _, l := range lines[1:21] {
		added = append(added, "NEW-"+l)
	}
	if err := os.Mkdir(filepath.Join(src, "tickets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(src, "tickets.csv"), filepath.Join(src, "tickets", "a.csv")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "tickets", "b.csv"), []byte(strings.Join(added, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	killAt(t, bin, dir, `stage=models`, "etl", "--source", src, "--data", data, "--as-of", "2026-11-26")
	if g, err := wh.Dir(data).Published(); err != nil || g.ID != 3 {
		t.Errorf("after the killed delta run the published generation is %d (%v), want 3", g.ID, err)
	}
	if got := tickets(); got != ticketsBefore || got == 0 {
		t.Errorf("after the killed delta run the warehouse has %d tickets, want %d", got, ticketsBefore)
	}
	delta := run("etl", "--source", src, "--data", data)
	if !strings.Contains(delta, "run 5: success") || !strings.Contains(delta, "of them kept: nothing they read changed") {
		t.Fatalf("delta rerun:\n%s", delta)
	}
	if got := tickets(); got != ticketsBefore+20 {
		t.Errorf("after the delta rerun the warehouse has %d tickets, want %d", got, ticketsBefore+20)
	}
	// The summary counts the tables updated in place; a view updated in
	// place (stg_tickets) computed nothing.
	inPlace := strings.TrimSpace(run("sql", "--data", data, "--format", "csv",
		"SELECT count(*) FILTER (WHERE materialized <> 'view') AS t, count(*) FILTER (WHERE materialized = 'view') AS v FROM _models WHERE incremental"))
	var tables, views int
	fmt.Sscanf(strings.TrimPrefix(inPlace, "t,v\n"), "%d,%d", &tables, &views)
	if want := fmt.Sprintf("(%d updated in place:", tables); tables == 0 || views == 0 || !strings.Contains(delta, want) {
		t.Errorf("delta rerun: %d tables and %d views updated in place; want the summary to say %q:\n%s", tables, views, want, delta)
	}
	// The build's working tables (the replaced tickets, the changed keys)
	// go before it publishes.
	if got := strings.TrimSpace(run("sql", "--data", data, "--format", "csv", "SELECT count(*) AS n FROM duckdb_schemas() WHERE schema_name = 'precedent_build'")); got != "n\n0" {
		t.Errorf("the published generation holds the build's schema precedent_build: %q", got)
	}
}

// killAt runs precedent with args and kills it with SIGKILL at the first
// line of its log that contains at; it fails t unless the run got there
// and died of the signal.
func killAt(t *testing.T, bin, dir, at string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), at) {
				cmd.Process.Signal(syscall.SIGKILL)
				killed <- sc.Text()
				break
			}
		}
		for sc.Scan() {
		}
	}()
	select {
	case line := <-killed:
		t.Logf("killed at: %s", line)
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("the run never logged %q", at)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the run was not killed by SIGKILL: %v", err)
	}
}
