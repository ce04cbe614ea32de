package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/runlog"
)

// errSourceProblems makes precedent sources exit 1 after printing.
var errSourceProblems = errors.New("the source would not load as it is (see above)")

func (m *Main) sourcesCommand() *cobra.Command {
	var source, format string
	cmd := &cobra.Command{
		Use:   "sources [--source DIR] [--format table|json]",
		Short: "Show how a source directory would load, without loading it",
		Long: `A dry run to make before the first load: loads the source into a temporary directory
(no models, nothing of the data directory touched) and prints, for every file, what it was
recognised as (an entity of the data contract, or a vendor's object) and how (by its name,
its header or vendors.files), the rows it would load and quarantine with the first reasons,
the columns it ignores, and per entity the rows that would load; then the warnings (encodings
read, files skipped for their names). Exits 1 when a file would be refused or a required entity
would be empty.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "table" && format != "json" {
				return fmt.Errorf("--format %q: want table or json", format)
			}
			p, err := etl.PreviewSource(cmd.Context(), m.etlOptions(source, "preview", 0))
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(p); err != nil {
					return err
				}
			} else {
				writePreview(m.Stdout, p)
			}
			if len(p.Problems) > 0 {
				return errSourceProblems
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "source directory (default: the config's source)")
	cmd.Flags().StringVar(&format, "format", "table", "output: table or json")
	cmd.Flags().String("data", "", "data directory (default: the config's data; not read or written)")
	return cmd
}

// writePreview prints a preview for people.
func writePreview(w io.Writer, p *etl.Preview) {
	res := p.Result
	fmt.Fprintln(w, "FILES")
	for _, f := range res.Files {
		as := "entity " + f.Entity
		if f.Vendor != "" {
			as = f.Vendor + "/" + f.Object
		}
		by := ""
		if f.DetectedBy != "" {
			by = " by its " + f.DetectedBy
		}
		fmt.Fprintf(w, "%s: %s%s, %s: %d rows read, %d would load, %d quarantined", f.Path, as, by, f.Status, f.RowsRead, f.RowsLoaded, f.RowsQuarantined)
		if f.Vendor != "" {
			fmt.Fprintf(w, ", %d enrich other rows, %d recorded, %d deleted, %d skipped", f.RowsEnrichment, f.RowsRecorded, f.RowsDeleted, f.RowsSkipped)
		}
		fmt.Fprintln(w)
		if f.Error != "" {
			fmt.Fprintf(w, "  %s\n", f.Error)
		}
		if read := runlog.ReadAs(f.Encoding, f.Records, f.DateOrder, f.DateOrderBy); read != "" {
			fmt.Fprintf(w, "  read as %s\n", read)
		}
		for _, c := range f.Columns {
			to := c.Maps
			if to == "" {
				to = "(used to match or enrich)"
			}
			fmt.Fprintf(w, "  %s -> %s as %s, %s\n", c.Column, to, c.Field, c.Conversion)
		}
		if len(f.Ignored) > 0 {
			fmt.Fprintf(w, "  ignored columns: %v\n", f.Ignored)
		}
		for _, s := range p.Samples[f.Path] {
			fmt.Fprintf(w, "  row %d, %s: %s\n", s.Row, s.Column, s.Reason)
		}
		if n := int64(len(p.Samples[f.Path])); f.RowsQuarantined > n {
			fmt.Fprintf(w, "  ... %d more quarantined\n", f.RowsQuarantined-n)
		}
	}
	for _, ig := range res.Ignored {
		fmt.Fprintf(w, "%s: not recognised, not read\n", ig)
	}
	fmt.Fprintln(w, "\nENTITIES")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "entity\tfiles\tread\twould load\tquarantined\t\n")
	for _, e := range res.Entities {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t\n", e.Entity, e.Files, e.RowsRead, e.RowsLoaded, e.RowsQuarantined)
	}
	tw.Flush()
	for _, warning := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warning)
	}
	for _, problem := range p.Problems {
		fmt.Fprintf(w, "PROBLEM: %s\n", problem)
	}
	if len(p.Problems) == 0 {
		fmt.Fprintln(w, "The source would load.")
	}
}
