// Command precedent-bench measures the ETL and the SQL models (make bench):
// at each scale it generates a company, times DuckDB alone reading the
// source files and writing them to Parquet (the floor), times the ETL
// without and with the models as child processes (wall time and peak RSS),
// reads per-entity and per-model times from the published warehouse, and
// times a filtered query on each mart the dashboard reads. It prints
// Markdown; docs/benchmarks.md records a run.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	bin := flag.String("bin", "bin/precedent", "the precedent binary")
	scales := flag.String("scales", "1 10", "scales to measure, space separated")
	repeat := flag.Int("repeat", 3, "runs per measurement; medians are reported")
	work := flag.String("work", "", "working folder (default: a temporary one, removed after)")
	flag.Parse()
	b := &bench{bin: *bin, repeat: *repeat, out: os.Stdout}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "precedent-bench")
		if err != nil {
			fail(err)
		}
		defer os.RemoveAll(d)
		dir = d
	}
	b.dir = dir
	b.header()
	for _, s := range strings.Fields(*scales) {
		scale, err := strconv.ParseFloat(s, 64)
		if err != nil {
			fail(fmt.Errorf("--scales: %q is not a number", s))
		}
		if err := b.scale(ctx, scale); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "precedent-bench:", err)
	os.Exit(1)
}
