package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/etl/generate"
)

func (m *Main) generateCommand() *cobra.Command {
	var out, format, effects, layout string
	var scale float64
	var seed uint64
	var fiscal int
	cmd := &cobra.Command{
		Use:   "generate --out DIR [--scale S] [--seed N] [--as-of DATE] [--format csv|parquet|jsonl] [--effects default|none|confounded] [--layout contract|exports|connector|airbyte]",
		Short: "Write a deterministic synthetic company (scale 1 is about 2,000 accounts)",
		Long: `Writes a synthetic B2B SaaS company's quote-to-cash history, about five years up to the
as-of date, one file per entity of the data contract. The same options give byte-identical
files. --effects none writes the same company with every planted effect switched off;
--effects confounded writes it with no effect within any segment but segment linked to both
sides of each effect, so a pooled analysis finds effects that are only segment mix (see
docs/generator.md for the effects and their strengths).

--layout writes the same company as a set of vendor exports instead of the contract's files:
exports (Salesforce Data Loader extracts with CPQ and Advanced Approvals, DocuSign REST
envelopes, NetSuite saved searches with their default labels, Zendesk API JSON), connector
(snake_case Salesforce, Stripe and Zendesk tables as Fivetran syncs them, deleted rows
included) or airbyte (the tables Airbyte's PostgreSQL destination writes: Salesforce objects
and fields by their API names, Stripe and Zendesk streams, Airbyte's _airbyte_ columns,
deleted rows included). Each writes precedent.yaml beside its files with the vendors settings (custom
fields) it needs: precedent etl --source DIR --config DIR/precedent.yaml. See docs/vendors.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return fmt.Errorf("--out: name the folder to write the company to")
			}
			if !slices.Contains(generate.LayoutNames(), layout) {
				return fmt.Errorf("--layout %q: want %s", layout, strings.Join(generate.LayoutNames(), ", "))
			}
			if layout != "contract" && cmd.Flags().Changed("format") {
				return fmt.Errorf("--format applies to the contract layout; --layout %s writes each vendor's own formats", layout)
			}
			if !slices.Contains(generate.Formats, format) {
				return fmt.Errorf("--format %q: want csv, parquet or jsonl", format)
			}
			if scale <= 0 || scale > 1000 {
				return fmt.Errorf("--scale %g: want more than 0 and at most 1000", scale)
			}
			var fx generate.Effects
			switch effects {
			case "default":
				fx = generate.DefaultEffects()
			case "none":
				fx = generate.NoEffects()
			case "confounded":
				fx = generate.ConfoundedEffects()
			default:
				return fmt.Errorf("--effects %q: want default, none or confounded", effects)
			}
			if fiscal == 0 {
				fiscal = m.config.FiscalYearStartMonth
			}
			start := time.Now()
			sum, err := generate.Generate(cmd.Context(), generate.Options{
				Out: out, Scale: scale, Seed: seed, AsOf: m.config.AsOfDate(m.Now()), Format: format, Layout: layout,
				Effects: fx, FiscalYearStartMonth: fiscal,
				Progress: func(entity string, rows int) {
					m.logger.Info("wrote entity", "entity", entity, "rows", rows)
				},
			})
			if err != nil {
				return err
			}
			total := 0
			for _, f := range sum.Files {
				fmt.Fprintf(m.Stdout, "%-32s %10d rows  %s\n", f.Entity, f.Rows, f.Path)
				total += f.Rows
			}
			fmt.Fprintf(m.Stdout, "%d rows in %s (as of %s, seed %d, effects %s)\n", total, time.Since(start).Round(time.Millisecond),
				m.config.AsOfDate(m.Now()).Format(time.DateOnly), seed, effects)
			if layout != "contract" {
				fmt.Fprintf(m.Stdout, "load it with: precedent etl --source %s --config %s\n", out, filepath.Join(out, generate.LayoutConfig))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "folder to write to (created if absent)")
	f.Float64Var(&scale, "scale", 1, "company size: 1 is about 2,000 accounts")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVar(&format, "format", "csv", "file format: csv, parquet or jsonl")
	f.StringVar(&effects, "effects", "default", "planted effects: default, none or confounded")
	f.StringVar(&layout, "layout", "contract", "files to write: contract (one per entity), exports, connector or airbyte (vendor exports)")
	f.IntVar(&fiscal, "fiscal-year-start-month", 0, "month fiscal years start (default: the config's fiscal_year_start_month)")
	return cmd
}
