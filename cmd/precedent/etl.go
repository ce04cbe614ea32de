package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
)

func (m *Main) etlCommand() *cobra.Command {
	var source string
	var full, strict, noModels bool
	cmd := &cobra.Command{
		Use:   "etl [--source DIR] [--data DIR] [--full-refresh] [--strict] [--no-models]",
		Short: "Load a source directory into the lake and publish a new warehouse generation",
		Long: `First pulls what is new in the configured sources (sources: in the configuration: the database a
connector syncs, or the Salesforce, NetSuite, DocuSign, HubSpot, Stripe and Zendesk APIs;
docs/sources.md) into data/landing/<source>/. Then reads every
entity file in the source directory and the landed files, and the exports of Salesforce,
DocuSign, NetSuite, HubSpot, Stripe and Zendesk found there (docs/vendors.md), validates
them against the data contract (docs/data-contract.md), quarantines the rows that cannot load with their file,
row, column and reason, merges the accepted rows with earlier loads by primary key, builds
the SQL models and publishes the new warehouse atomically. Files already loaded (same
content) are skipped, so running twice changes nothing; when no source file, setting, model
or program changed since the run that published the warehouse (the same as-of date too), the
run says "nothing changed, generation N kept" and publishes nothing. When the published warehouse is
damaged, the run rebuilds it from the newest intact generation and the verified lake (or
from the source alone when nothing intact is left) and prints a RECOVERED: line.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			progress, done := m.etlProgress()
			opts := m.etlOptions(source, "manual", 0)
			opts.FullRefresh, opts.Progress = full, progress
			if noModels {
				opts.Models = nil
			}
			res, err := etl.Run(cmd.Context(), opts)
			done()
			if res != nil {
				m.printETL(res)
			}
			if err != nil {
				return err
			}
			if strict && res.Status == runlog.Warning {
				return errors.New("published with warnings (--strict)")
			}
			if strict && res.Status == runlog.Unchanged && len(res.Warnings) > 0 {
				return errors.New("nothing changed, and the warnings of the run that published still hold (--strict)")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source directory (default: the config's source)")
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	cmd.Flags().BoolVar(&full, "full-refresh", false, "rebuild from this source alone, forgetting earlier loads")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit non-zero when the run has warnings: a file rejected (or skipped as the same content as a rejected one), unreadable, not recognised or not UTF-8, a source that yielded no rows, or an analyst's model failing")
	cmd.Flags().BoolVar(&noModels, "no-models", false, "load only: publish without building the SQL models (for benchmarks)")
	return cmd
}

// printETL prints what a run did: per entity counts, then every file that
// did not load cleanly.
func (m *Main) printETL(res *etl.Result) {
	for _, p := range res.Pulls {
		for _, o := range p.Objects {
			if o.File != "" {
				fmt.Fprintf(m.Stdout, "pulled %s %s (%s): %d rows, %d marked deleted -> %s\n", p.Source, o.Object, o.Table, o.Rows, o.Deleted, o.File)
			}
		}
	}
	if res.Kept != 0 {
		for _, warning := range res.Warnings {
			fmt.Fprintf(m.Stdout, "warning: %s\n", warning)
		}
		fmt.Fprintf(m.Stdout, "run %d: nothing changed, generation %d kept (%.1fs)\n", res.RunID, res.Kept, res.EndedAt.Sub(res.StartedAt).Seconds())
		return
	}
	w := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "entity\tfiles\tread\tloaded\tquarantined\tin warehouse\t\n")
	for _, e := range res.Entities {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t\n", e.Entity, e.Files, e.RowsRead, e.RowsLoaded, e.RowsQuarantined, e.Rows)
	}
	w.Flush()
	for _, e := range res.Entities {
		if e.RowsDeleted+e.RowsOrphaned > 0 {
			fmt.Fprintf(m.Stdout, "%s: deleted at the vendor: %d removed; referring to a removed row: %d removed\n", e.Entity, e.RowsDeleted, e.RowsOrphaned)
		}
	}
	for _, warning := range res.Warnings {
		fmt.Fprintf(m.Stdout, "warning: %s\n", warning)
	}
	for _, f := range res.Files {
		switch {
		case f.Error != "" && f.Status != etl.FileUnchanged:
			fmt.Fprintf(m.Stdout, "%s %s: %s\n", f.Status, f.Path, f.Error)
		case f.Vendor != "" && f.Status != etl.FileUnchanged:
			fmt.Fprintf(m.Stdout, "%s (%s %s): %d rows: %d loaded, %d quarantined, %d enrichment, %d recorded, %d deleted, %d skipped\n",
				f.Path, f.Vendor, f.Object, f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.RowsEnrichment, f.RowsRecorded, f.RowsDeleted, f.RowsSkipped)
		case f.RowsQuarantined > 0:
			fmt.Fprintf(m.Stdout, "%s: %d of %d rows quarantined\n", f.Path, f.RowsQuarantined, f.RowsRead)
		}
	}
	if res.Models != nil {
		kept := ""
		if res.Models.Kept > 0 {
			kept = fmt.Sprintf(" (%d of them kept: nothing they read changed)", res.Models.Kept)
		}
		if res.Models.Incremental > 0 {
			kept += fmt.Sprintf(" (%d updated in place: only the rows of changed keys computed)", res.Models.Incremental)
		}
		if n := len(res.Models.Volatile); n > 0 {
			kept += fmt.Sprintf(" (%d computed on every run, as they read a file or the clock: %s)", n, strings.Join(res.Models.Volatile, ", "))
		}
		fmt.Fprintf(m.Stdout, "models: %d built%s, %d tests passed, %d failed\n", res.Models.Built, kept, res.Models.TestsPassed, len(res.Models.TestsFailed))
		for _, f := range append(res.Models.Failed, res.Models.TestsFailed...) {
			fmt.Fprintf(m.Stdout, "  %s\n", f)
		}
	}
	if res.Recovered != "" {
		fmt.Fprintf(m.Stdout, "RECOVERED: %s\n", res.Recovered)
	}
	fmt.Fprintf(m.Stdout, "run %d: %s", res.RunID, res.Status)
	if res.Generation != "" {
		fmt.Fprintf(m.Stdout, ", published %s", res.Generation)
	}
	fmt.Fprintf(m.Stdout, " (%.1fs)\n", res.EndedAt.Sub(res.StartedAt).Seconds())
}
