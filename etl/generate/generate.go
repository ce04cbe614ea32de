// Package generate builds Precedent's sample company: a deterministic,
// synthetic B2B SaaS vendor with about five years of quote-to-cash history up
// to an as-of date, written as one file per entity of the data contract.
//
// The company is generated in three phases so that the planted effects are
// causal and chronological: (A) account lifecycles, with deals, contracts,
// latent scope ambiguity, tickets, invoices and churn; (B) one pass over the
// won deals in close-date order assigning discounts; (C) net prices, amounts
// and ARR. The same Options always give byte-identical files. See
// docs/generator.md for what the company looks like and which effects are
// planted.
package generate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
)

// Options configure a generation run.
type Options struct {
	// Out is the output directory, created if absent; Generate writes
	// <entity>.<format> in it for every entity of the contract.
	Out string
	// Scale sizes the company: 1 is about 2,000 accounts and counts grow
	// linearly. Zero means 1. Tested from 0.05 to 100.
	Scale float64
	// Seed seeds every random draw.
	Seed uint64
	// AsOf is the date (taken in UTC) the data ends: no event in it is dated
	// after AsOf. Required.
	AsOf time.Time
	// Format is "csv" (the default), "parquet" or "jsonl".
	Format string
	// Layout is "contract" (the default: one file per contract entity in
	// Format) or one of Layouts: the same company written as that set of
	// vendor exports, in the formats the vendors write.
	Layout string
	// Effects are the planted effects: DefaultEffects() or NoEffects(). The
	// zero value is the same as NoEffects().
	Effects Effects
	// FiscalYearStartMonth is the month (1..12) fiscal quarters start from;
	// zero means 1.
	FiscalYearStartMonth int
	// Progress, if set, is called after each entity file is written, with
	// the entity and its row count. Calls may come from different goroutines
	// but never at the same time.
	Progress func(entity string, rows int)
}

// Summary reports what Generate wrote.
type Summary struct {
	// Files has one entry per entity, in contract order; for a vendor
	// layout, one per export file, Entity naming the file (vendor/object).
	Files []File
}

// File is one written entity file.
type File struct {
	Entity string
	Path   string
	Rows   int
}

// Formats are the supported output formats.
var Formats = []string{"csv", "parquet", "jsonl"}

// validate checks the options and fills in defaults.
func (o *Options) validate() error {
	if o.Out == "" {
		return errors.New("output directory is required")
	}
	if o.Scale == 0 {
		o.Scale = 1
	}
	if o.Scale < 0 || o.Scale > 1000 {
		return fmt.Errorf("scale %g out of range (0, 1000]", o.Scale)
	}
	if o.AsOf.IsZero() {
		return errors.New("as-of date is required")
	}
	if o.Format == "" {
		o.Format = "csv"
	}
	known := false
	for _, f := range Formats {
		known = known || f == o.Format
	}
	if !known {
		return fmt.Errorf("unknown format %q (want csv, parquet or jsonl)", o.Format)
	}
	if o.Layout == "" {
		o.Layout = "contract"
	}
	if !validLayout(o.Layout) {
		return fmt.Errorf("unknown layout %q (want %s)", o.Layout, strings.Join(LayoutNames(), ", "))
	}
	if o.Layout != "contract" && o.Format != "csv" {
		return fmt.Errorf("format %s: layout %s writes each vendor's own formats; the format applies to the contract layout", o.Format, o.Layout)
	}
	if o.FiscalYearStartMonth == 0 {
		o.FiscalYearStartMonth = 1
	}
	if o.FiscalYearStartMonth < 1 || o.FiscalYearStartMonth > 12 {
		return fmt.Errorf("fiscal year start month %d out of range 1..12", o.FiscalYearStartMonth)
	}
	return nil
}

// Generate builds the company described by opts and writes one file per
// contract entity into opts.Out.
func Generate(ctx context.Context, opts Options) (Summary, error) {
	if err := opts.validate(); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	g := newGen(opts)
	if err := g.build(ctx); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	g.price()
	g.amounts()
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	rows, files, err := g.write(ctx, opts)
	if err != nil {
		return Summary{}, fmt.Errorf("generate: %w", err)
	}
	if opts.Layout != "contract" {
		return Summary{Files: files}, nil
	}
	var sum Summary
	for _, e := range contract.Entities {
		sum.Files = append(sum.Files, File{
			Entity: e.Name,
			Path:   filepath.Join(opts.Out, e.Name+"."+opts.Format),
			Rows:   rows[e.Name],
		})
	}
	return sum, nil
}
