package generate

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl/contract"
)

var reportScale = flag.Float64("report", 0, "print the metric and volume tables of docs/generator.md, measured at this scale")

// TestReport prints, when run with -report SCALE, the tables quoted in
// docs/generator.md: rows per entity, and every metric in the default, null
// and confounded worlds for three seeds.
//
//	go test ./etl/generate -run TestReport -report 10 -v
func TestReport(t *testing.T) {
	if *reportScale == 0 {
		t.Skip("run with -report SCALE")
	}
	seeds := []uint64{1, 2, 3}
	vals := map[string][]string{}
	var volumes []Summary
	for _, seed := range seeds {
		for _, w := range []struct {
			name    string
			effects Effects
		}{{"default", DefaultEffects()}, {"null", NoEffects()}, {"confounded", ConfoundedEffects()}} {
			dir, sum := mustGenerate(t, Options{Scale: *reportScale, Seed: seed, Format: "parquet", Effects: w.effects})
			if w.name == "default" {
				volumes = append(volumes, sum)
			}
			got := measure(mustOpenLake(t, dir, "parquet"), testAsOf, 1)
			for _, m := range metricNames {
				vals[m+"/"+w.name] = append(vals[m+"/"+w.name], fmt.Sprintf("%.3f", got[m]))
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nscale %g, seeds %v\n\n| metric | default | null | confounded |\n|---|---|---|---|\n", *reportScale, seeds)
	for _, m := range metricNames {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", m, strings.Join(vals[m+"/default"], " / "),
			strings.Join(vals[m+"/null"], " / "), strings.Join(vals[m+"/confounded"], " / "))
	}
	fmt.Fprintf(&b, "\n| entity | rows (seed %d) |\n|---|---|\n", seeds[0])
	total := 0
	for _, e := range contract.Entities {
		fmt.Fprintf(&b, "| %s | %d |\n", e.Name, volumes[0].Rows(e.Name))
		total += volumes[0].Rows(e.Name)
	}
	fmt.Fprintf(&b, "| total | %d |\n", total)
	t.Log(b.String())
}
