// Command precedent-loadgen measures the dashboard under load (make
// bench-serve). For each scale it generates and loads a company (kept
// under --work for the next time), starts `precedent serve` on it as a
// child process, sends GET requests from concurrent closed-loop clients to
// each target for a fixed time, stops the server and prints a Markdown
// table of requests per second, median and 99th percentile latency and
// errors. With --runs above one each run starts a fresh server and the
// table shows the median of the runs.
//
// With --url it loads a server that is already running instead, for
// profiling one by hand.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// target is one URL the clients hammer.
type target struct{ name, path string }

var targets = []target{
	{"overview page", "/"},
	{"discounts page, filtered", "/discounts?segment=enterprise&from=FY2024-Q1&to=FY2025-Q4"},
	{"model API", "/api/v1/models/deal_discounts?segment=smb&page_size=100"},
}

type options struct {
	bin, work, url, asOf string
	only                 string
	serverEnv            []string
	scales               []string
	seed, clients, runs  int
	duration, warmup     time.Duration
}

func main() {
	var o options
	var scales, serverEnv string
	flag.StringVar(&o.bin, "bin", "bin/precedent", "the precedent binary")
	flag.StringVar(&scales, "scales", "1 10", "company scales to measure, separated by spaces")
	flag.StringVar(&o.work, "work", "data/bench-serve", "folder for the generated companies and server logs")
	flag.StringVar(&o.url, "url", "", "load this running server instead of starting one per scale")
	flag.StringVar(&o.only, "only", "", "measure only the targets whose name or path contains this")
	flag.StringVar(&serverEnv, "server-env", "", "environment variables for precedent serve, separated by spaces (GOGC=400)")
	flag.StringVar(&o.asOf, "as-of", "2026-11-26", "as-of date of the generated companies")
	flag.IntVar(&o.seed, "seed", 42, "generator seed")
	flag.IntVar(&o.clients, "clients", 32, "concurrent clients")
	flag.IntVar(&o.runs, "runs", 3, "runs per scale, each on a fresh server; the table shows medians")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "measured time per target and run")
	flag.DurationVar(&o.warmup, "warmup", 3*time.Second, "unmeasured load per target before each measurement")
	flag.Parse()
	o.scales = strings.Fields(scales)
	o.serverEnv = strings.Fields(serverEnv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precedent-loadgen:", err)
		os.Exit(1)
	}
}

// row is one scale and target over all runs.
type row struct {
	scale   string
	target  target
	results []result
	cpu     []time.Duration // server CPU time per measured phase, -1 unknown
	others  []float64       // other processes' CPU per measured phase, in cores; -1 unknown
}

func run(ctx context.Context, o options, out io.Writer) error {
	client := newClient(o.clients)
	var rows []*row
	measure := func(scale, base string, cpuOf func() time.Duration, byTarget map[string]*row) {
		for _, t := range targets {
			if !strings.Contains(t.name+" "+t.path, o.only) {
				continue
			}
			r := byTarget[t.path]
			if r == nil {
				r = &row{scale: scale, target: t}
				byTarget[t.path] = r
				rows = append(rows, r)
			}
			load(ctx, client, base+t.path, o.clients, o.warmup)
			server0, self0, all0 := cpuOf(), processCPU(os.Getpid()), machineCPU()
			res := load(ctx, client, base+t.path, o.clients, o.duration)
			server, self, all := cpuOf(), processCPU(os.Getpid()), machineCPU()
			cpu, others := time.Duration(-1), -1.0
			if server0 >= 0 && server >= 0 {
				cpu = server - server0
				if self0 >= 0 && all0 >= 0 && self >= 0 && all >= 0 {
					others = max(0, (all-all0-cpu-(self-self0)).Seconds()/res.Elapsed.Seconds())
				}
			}
			r.results = append(r.results, res)
			r.cpu = append(r.cpu, cpu)
			r.others = append(r.others, others)
			logf("scale %s, %s: %.0f req/s, p50 %s, p90 %s, p99 %s, max %s, %d errors %s (other processes: %.2f cores)", scale, t.name, res.RPS(), ms(res.Quantile(0.5)), ms(res.Quantile(0.9)), ms(res.Quantile(0.99)), ms(res.Quantile(1)), res.Errors, res.FirstErr, others)
		}
	}
	if o.url != "" {
		byTarget := map[string]*row{}
		for i := 0; i < o.runs && ctx.Err() == nil; i++ {
			measure("?", strings.TrimRight(o.url, "/"), func() time.Duration { return -1 }, byTarget)
		}
		return report(out, o, rows)
	}
	bin, err := filepath.Abs(o.bin)
	if err != nil {
		return err
	}
	for _, scale := range o.scales {
		dir := filepath.Join(o.work, "scale-"+scale)
		data, err := prepare(ctx, bin, dir, scale, o.seed, o.asOf)
		if err != nil {
			return err
		}
		byTarget := map[string]*row{}
		for i := 1; i <= o.runs && ctx.Err() == nil; i++ {
			srv, err := startServer(ctx, bin, data, filepath.Join(dir, fmt.Sprintf("serve-%d.log", i)), o.serverEnv)
			if err != nil {
				return err
			}
			logf("scale %s, run %d: serving %s", scale, i, srv.URL)
			measure(scale, srv.URL, srv.cpu, byTarget)
			if err := srv.stop(); err != nil {
				logf("scale %s, run %d: precedent serve: %v", scale, i, err)
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return report(out, o, rows)
}

// report prints the table, with the machine and the command that made it.
func report(out io.Writer, o options, rows []*row) error {
	w := bufio.NewWriter(out)
	env := ""
	if len(o.serverEnv) > 0 {
		env = ", server environment " + strings.Join(o.serverEnv, " ")
	}
	fmt.Fprintf(w, "%d concurrent clients, %s per target after %s of warm-up, median of %d run(s) on fresh servers%s; %s, %d CPUs (%s), %s, %s.\n\n",
		o.clients, o.duration, o.warmup, o.runs, env, time.Now().UTC().Format("2006-01-02"), runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS+"/"+runtime.GOARCH)
	fmt.Fprintln(w, "| Scale | Target | Requests/s | p50 ms | p99 ms | Errors | Requests | Server CPU ms/request | Other processes, cores | p99 ms of each run |")
	fmt.Fprintln(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range rows {
		var rps, p50, p99, cpu, others []float64
		var errs, n int
		var each []string
		for i, res := range r.results {
			rps = append(rps, res.RPS())
			p50 = append(p50, msf(res.Quantile(0.5)))
			p99 = append(p99, msf(res.Quantile(0.99)))
			each = append(each, ms(res.Quantile(0.99)))
			errs += res.Errors
			n += res.Requests
			if r.cpu[i] >= 0 && res.Requests > 0 {
				cpu = append(cpu, msf(r.cpu[i])/float64(res.Requests))
			}
			if r.others[i] >= 0 {
				others = append(others, r.others[i])
			}
		}
		cpuCell, othersCell := "–", "–"
		if len(cpu) > 0 {
			cpuCell = fmt.Sprintf("%.2f", median(cpu))
		}
		if len(others) > 0 {
			othersCell = fmt.Sprintf("%.2f", median(others))
		}
		fmt.Fprintf(w, "| %s | %s `%s` | %.0f | %.1f | %.1f | %d | %d | %s | %s | %s |\n",
			r.scale, r.target.name, r.target.path, median(rps), median(p50), median(p99), errs, n, cpuCell, othersCell, strings.Join(each, ", "))
	}
	return w.Flush()
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func msf(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", msf(d)) }

// cpuModel names the processor, from /proc/cpuinfo where there is one.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown processor"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown processor"
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}
