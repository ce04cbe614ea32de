package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
	"github.com/precedent-dev/precedent/queries"
)

type bench struct {
	bin    string
	dir    string
	repeat int
	out    io.Writer
}

// measured is one child process run.
type measured struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

// run runs the binary and measures it.
func (b *bench) run(ctx context.Context, args ...string) (measured, error) {
	cmd := exec.CommandContext(ctx, b.bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	settle()
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return measured{}, fmt.Errorf("%s %s: %v\n%s", b.bin, strings.Join(args, " "), err, stderr.String())
	}
	m := measured{wall: time.Since(start)}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024
	}
	return m, nil
}

// settle flushes what earlier measurements left for the disk to write, so
// that a measurement does not pay for the one before it.
func settle() {
	syscall.Sync()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

func (b *bench) header() {
	host, _ := os.Hostname()
	fmt.Fprintf(b.out, "Machine: %s, %d CPUs, %s. Date: %s. Medians of %d runs.\n\n", host, runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format(time.DateOnly), b.repeat)
}

func (b *bench) scale(ctx context.Context, scale float64) error {
	src := filepath.Join(b.dir, fmt.Sprintf("src-%g", scale))
	os.RemoveAll(src)
	gen, err := b.run(ctx, "generate", "--out", src, "--scale", fmt.Sprint(scale), "--seed", "42", "--as-of", "2026-11-26")
	if err != nil {
		return err
	}
	rows, size, err := sourceSize(src)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "## Scale %g: %d rows, %.0f MB of CSV\n\n", scale, rows, float64(size)/1e6)
	fmt.Fprintf(b.out, "Generating took %s (peak RSS %d MB).\n\n", gen.wall.Round(time.Millisecond), gen.maxRSS>>20)

	// The warehouse's own source folder, which a nightly run finds again
	// with a new file: the tickets in a folder of their own.
	delta, newTickets, added, err := deltaSource(src, filepath.Join(b.dir, fmt.Sprintf("delta-%g", scale)))
	if err != nil {
		return err
	}
	newFile := filepath.Join(delta, "tickets", "new.csv")
	var floors, both, loads, fulls, noops, deltas, asofs, histories []time.Duration
	var loadRSS, fullRSS int64
	var data string
	for i := 0; i < b.repeat; i++ {
		f, err := floor(ctx, src, filepath.Join(b.dir, "floor"), false)
		if err != nil {
			return err
		}
		floors = append(floors, f)
		f, err = floor(ctx, src, filepath.Join(b.dir, "floor"), true)
		if err != nil {
			return err
		}
		both = append(both, f)
		d := filepath.Join(b.dir, fmt.Sprintf("load-%g-%d", scale, i))
		os.RemoveAll(d)
		m, err := b.run(ctx, "etl", "--source", src, "--data", d, "--as-of", "2026-11-26", "--no-models")
		if err != nil {
			return err
		}
		loads, loadRSS = append(loads, m.wall), max(loadRSS, m.maxRSS)
		os.RemoveAll(d)
		data = filepath.Join(b.dir, fmt.Sprintf("full-%g", scale))
		os.RemoveAll(data)
		if err := os.Remove(newFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		m, err = b.run(ctx, "etl", "--source", delta, "--data", data, "--as-of", "2026-11-26")
		if err != nil {
			return err
		}
		fulls, fullRSS = append(fulls, m.wall), max(fullRSS, m.maxRSS)
		// The full run's generation, for the details: the runs below
		// publish others.
		if err := keepGeneration(data, filepath.Join(b.dir, fmt.Sprintf("full-%g.duckdb", scale))); err != nil {
			return err
		}
		// On the warehouse the full run published: the same run again,
		// then the same folder with 1% new tickets in a new file, then a
		// new as-of date alone.
		for _, step := range []struct {
			into *[]time.Duration
			asOf string
			add  bool
		}{{&noops, "2026-11-26", false}, {&deltas, "2026-11-26", true}, {&asofs, "2026-11-27", false}} {
			if step.add {
				if err := os.WriteFile(newFile, newTickets, 0o644); err != nil {
					return err
				}
			}
			m, err := b.run(ctx, "etl", "--source", delta, "--data", data, "--as-of", step.asOf)
			if err != nil {
				return err
			}
			*step.into = append(*step.into, m.wall)
		}
		// The same 1% again, under other ids, once the run log holds a
		// long history: three years of nightly runs.
		if err := addHistory(wh.Dir(data).RunLog(), historyRuns); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(delta, "tickets", "history.csv"), bytes.ReplaceAll(newTickets, []byte("\nNEW-"), []byte("\nHIST-")), 0o644); err != nil {
			return err
		}
		m, err = b.run(ctx, "etl", "--source", delta, "--data", data, "--as-of", "2026-11-27")
		if err != nil {
			return err
		}
		histories = append(histories, m.wall)
		if err := os.Remove(filepath.Join(delta, "tickets", "history.csv")); err != nil {
			return err
		}
	}
	fl, fw, ld, fu := median(floors), median(both), median(loads), median(fulls)
	fmt.Fprintf(b.out, "| measurement | median | rows/s | peak RSS |\n|---|---|---|---|\n")
	fmt.Fprintf(b.out, "| floor: DuckDB alone, CSV to zstd Parquet | %s | %s | (in the bench process) |\n", fl.Round(time.Millisecond), perSec(rows, fl))
	fmt.Fprintf(b.out, "| DuckDB alone, CSV to a table in a database file and to zstd Parquet | %s | %s | (in the bench process) |\n", fw.Round(time.Millisecond), perSec(rows, fw))
	fmt.Fprintf(b.out, "| ETL without models (`--no-models`) | %s | %s | %d MB |\n", ld.Round(time.Millisecond), perSec(rows, ld), loadRSS>>20)
	fmt.Fprintf(b.out, "| ETL with models | %s | %s | %d MB |\n\n", fu.Round(time.Millisecond), perSec(rows, fu), fullRSS>>20)
	fmt.Fprintf(b.out, "**ETL / floor = %.2fx** (goal: at most 2x at scale 10); ETL / (table and Parquet) = %.2fx. Models add %s, %.2fx the load time; the full run with models is %.2fx the floor (goal: at most 3x).\n\n",
		ld.Seconds()/fl.Seconds(), ld.Seconds()/fw.Seconds(), (fu - ld).Round(time.Millisecond), (fu-ld).Seconds()/ld.Seconds(), fu.Seconds()/fl.Seconds())
	no, de, ao := median(noops), median(deltas), median(asofs)
	fmt.Fprintf(b.out, "| run on the published warehouse | median | share of the full run with models | goal |\n|---|---|---|---|\n")
	fmt.Fprintf(b.out, "| no-op: the same files and as-of again | %s | %.1f%% | at most 5%% |\n", no.Round(time.Millisecond), 100*no.Seconds()/fu.Seconds())
	fmt.Fprintf(b.out, "| delta: %d new tickets (1%%) in a new file of tickets/ | %s | %.1f%% | at most 15%% |\n", added, de.Round(time.Millisecond), 100*de.Seconds()/fu.Seconds())
	fmt.Fprintf(b.out, "| as-of only: a new as-of date, no new data | %s | %.1f%% | the as-of-dependent models only |\n", ao.Round(time.Millisecond), 100*ao.Seconds()/fu.Seconds())
	hi := median(histories)
	fmt.Fprintf(b.out, "| delta after a long history: 1%% new tickets, %d earlier runs in the run log | %s | %.1f%% | at most 15%% |\n\n", historyRuns, hi.Round(time.Millisecond), 100*hi.Seconds()/fu.Seconds())
	return b.details(ctx, filepath.Join(b.dir, fmt.Sprintf("full-%g.duckdb", scale)))
}

// historyRuns is how many earlier runs the history delta finds in the run
// log: three years of nightly runs.
const historyRuns = 1000

// addHistory appends n ETL runs to the run log at path, each a copy of the
// first run that published (its detail, with every entity and file, is
// what etl_runs records of a run) marked unchanged, so that none counts as
// a generation published after the warehouse's.
func addHistory(path string, n int) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var first map[string]any
	last := 0
	for _, line := range bytes.Split(b, []byte("\n")) {
		var r map[string]any
		if json.Unmarshal(line, &r) != nil || r["kind"] != "etl" {
			continue
		}
		if id, ok := r["id"].(float64); ok {
			last = max(last, int(id))
		}
		if first == nil && r["status"] == "success" {
			first = r
		}
	}
	if first == nil {
		return fmt.Errorf("%s: no run that published", path)
	}
	var out bytes.Buffer
	for i := 1; i <= n; i++ {
		first["id"], first["status"] = last+i, "unchanged"
		line, err := json.Marshal(first)
		if err != nil {
			return err
		}
		out.Write(append(line, '\n'))
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(out.Bytes()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// keepGeneration copies the generation data published to dst.
func keepGeneration(data, dst string) error {
	g, err := wh.Dir(data).Published()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(g.Path)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

// deltaSource makes dir the source src as a warehouse's own folder: every
// file linked (not copied) from src, the tickets moved into a tickets/
// folder (same content). It returns the folder, a new file of 1% new
// tickets for that folder (copies of the first 1% under new ids), and the
// number of new tickets.
func deltaSource(src, dir string) (string, []byte, int, error) {
	os.RemoveAll(dir)
	if err := os.MkdirAll(filepath.Join(dir, "tickets"), 0o755); err != nil {
		return "", nil, 0, err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return "", nil, 0, err
	}
	for _, e := range entries {
		to := filepath.Join(dir, e.Name())
		if e.Name() == "tickets.csv" {
			to = filepath.Join(dir, "tickets", "tickets.csv")
		}
		if err := os.Link(filepath.Join(src, e.Name()), to); err != nil {
			return "", nil, 0, err
		}
	}
	b, err := os.ReadFile(filepath.Join(src, "tickets.csv"))
	if err != nil {
		return "", nil, 0, err
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	n := max(1, (len(lines)-1)/100)
	out := []string{lines[0]}
	for _, l := range lines[1 : n+1] {
		out = append(out, "NEW-"+l)
	}
	return dir, []byte(strings.Join(out, "\n") + "\n"), n, nil
}

// floor reads every source file with DuckDB and writes it to Parquet, the
// least any loader must do. With table, it first loads each file into a
// table of a database file and writes the Parquet file from the table, then
// checkpoints and closes the database: the least a loader that keeps both a
// warehouse and a lake must do.
func floor(ctx context.Context, src, out string, table bool) (time.Duration, error) {
	os.RemoveAll(out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	defer os.RemoveAll(out)
	settle()
	path := ""
	if table {
		path = filepath.Join(out, "floor.duckdb")
	}
	start := time.Now()
	db, err := wh.Open(ctx, path, wh.Settings{MemoryLimit: "2GB"})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if table {
		// As the ETL does: one checkpoint at the end.
		if _, err := db.ExecContext(ctx, "SET checkpoint_threshold = '16GB'"); err != nil {
			return 0, fmt.Errorf("floor: %w", err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(src, "*.csv"))
	for i, f := range files {
		read := "SELECT * FROM read_csv(" + wh.Literal(f) + ")"
		if table {
			t := wh.Ident(fmt.Sprintf("t%d", i))
			if _, err := db.ExecContext(ctx, "CREATE TABLE "+t+" AS "+read); err != nil {
				return 0, fmt.Errorf("floor %s: %w", f, err)
			}
			read = "SELECT * FROM " + t
		}
		q := "COPY (" + read + ") TO ? (FORMAT parquet, COMPRESSION zstd)"
		if _, err := db.ExecContext(ctx, q, filepath.Join(out, filepath.Base(f)+".parquet")); err != nil {
			return 0, fmt.Errorf("floor %s: %w", f, err)
		}
	}
	if table {
		if _, err := db.ExecContext(ctx, "CHECKPOINT"); err != nil {
			return 0, fmt.Errorf("floor: checkpoint: %w", err)
		}
	}
	if err := db.Close(); err != nil {
		return 0, fmt.Errorf("floor: close: %w", err)
	}
	return time.Since(start), nil
}

func sourceSize(src string) (rows, bytes int64, err error) {
	files, _ := filepath.Glob(filepath.Join(src, "*.csv"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		bytes += int64(len(b))
		rows += int64(strings.Count(string(b), "\n") - 1)
	}
	return rows, bytes, nil
}

func perSec(rows int64, d time.Duration) string {
	return fmt.Sprintf("%.0fk", float64(rows)/d.Seconds()/1e3)
}

// details reads the last full run's per-entity and per-model times and
// times the dashboard's mart queries.
func (b *bench) details(ctx context.Context, generation string) error {
	db, err := wh.Sandbox(ctx, generation, wh.Settings{})
	if err != nil {
		return err
	}
	defer db.Close()
	ent, err := wh.Query(ctx, db, `SELECT entity, rows_read, seconds FROM etl_run_entities WHERE run_id = 1 ORDER BY seconds DESC`, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(b.out, "Load by entity (the full run, run 1 of its data directory):\n\n| entity | rows | seconds | rows/s |\n|---|---|---|---|\n")
	for _, r := range ent.Values {
		rows, secs := asFloat(r[1]), asFloat(r[2])
		fmt.Fprintf(b.out, "| %v | %.0f | %.2f | %.0fk |\n", r[0], rows, secs, rows/secs/1e3)
	}
	models, err := queries.ReadCatalog(ctx, db)
	if err != nil {
		return err
	}
	slices.SortStableFunc(models, func(a, b queries.CatalogModel) int { return cmp.Compare(b.Seconds, a.Seconds) })
	var total float64
	for _, m := range models {
		total += m.Seconds
	}
	fmt.Fprintf(b.out, "\nModel builds (the full run), %.2f s in all; the slowest:\n\n| model | layer | rows | seconds |\n|---|---|---|---|\n", total)
	for i, m := range models {
		if i == 12 {
			break
		}
		fmt.Fprintf(b.out, "| %v | %v | %v | %.3f |\n", m.Name, m.Layer, m.Rows, m.Seconds)
	}
	return b.martQueries(ctx, db)
}

// martQueries times a filtered query on each mart the dashboard reads.
func (b *bench) martQueries(ctx context.Context, db *sql.DB) error {
	queries := []struct{ mart, q string }{
		{"deal_discounts", "SELECT days_to_quarter_end, avg(discount_pct), count(*) FROM deal_discounts WHERE segment = 'enterprise' AND fiscal_quarter BETWEEN 'FY2024-Q1' AND 'FY2025-Q4' GROUP BY 1"},
		{"renewal_anchoring", "SELECT count(*), regr_slope(renewal_discount_pct, prior_discount_pct) FROM renewal_anchoring WHERE segment = 'mid_market'"},
		{"discount_precedents", "SELECT * FROM discount_precedents WHERE region = 'EMEA' ORDER BY anchored_renewals + cited_by DESC LIMIT 25"},
		{"rep_discount_drift", "SELECT * FROM rep_discount_drift WHERE qualifies ORDER BY drift DESC"},
		{"contract_scope", "SELECT ambiguity_quintile, sum(escalations) / sum(exposure_years) FROM contract_scope WHERE segment = 'smb' AND ambiguity_quintile IS NOT NULL GROUP BY 1"},
		{"scope_escalations", "SELECT * FROM scope_escalations"},
		{"billing_quarterly", "SELECT fiscal_quarter, sum(contracted), sum(invoiced) FROM billing_quarterly WHERE region = 'NA' GROUP BY 1"},
		{"invoice_disputes", "SELECT is_shared_config, avg(is_disputed::int) FROM invoice_disputes WHERE segment = 'enterprise' GROUP BY 1"},
		{"renewal_risk", "SELECT * FROM renewal_risk WHERE segment = 'enterprise' ORDER BY risk_score DESC LIMIT 20"},
		{"renewal_risk_weekly", "SELECT w.iso_week, risk_tier, sum(arr) FROM int_risk_weeks w LEFT JOIN renewal_risk_weekly r ON r.week_end = w.week_end AND r.segment = 'enterprise' GROUP BY ALL ORDER BY ALL"},
		{"exception_register", "SELECT * FROM exception_register WHERE kind = 'late_quarter_exception' ORDER BY occurred_date DESC LIMIT 50"},
		{"account_summary", "SELECT * FROM account_summary WHERE account_name ILIKE '%data%' ORDER BY current_arr DESC LIMIT 50"},
		{"headline_metrics", "SELECT * FROM headline_metrics"},
	}
	fmt.Fprintf(b.out, "\nA filtered query on each mart the dashboard reads (%d runs each; goal: under 20 ms at scale 10):\n\n| mart | median ms | max ms |\n|---|---|---|\n", 20)
	for _, mq := range queries {
		var ds []time.Duration
		for i := 0; i < 20; i++ {
			start := time.Now()
			if _, err := wh.Query(ctx, db, mq.q, 0); err != nil {
				return fmt.Errorf("%s: %w", mq.mart, err)
			}
			ds = append(ds, time.Since(start))
		}
		fmt.Fprintf(b.out, "| %s | %.1f | %.1f |\n", mq.mart, ms(median(ds)), ms(slices.Max(ds)))
	}
	fmt.Fprintln(b.out)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func asFloat(v any) float64 {
	var f float64
	fmt.Sscan(fmt.Sprint(v), &f)
	return f
}
