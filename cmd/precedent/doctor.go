package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/etl/doctor"
)

func (m *Main) doctorCommand() *cobra.Command {
	var repair bool
	cmd := &cobra.Command{
		Use:   "doctor [--data DIR] [--repair]",
		Short: "Check the data directory for damage and leftovers, and repair what can be",
		Long: `Checks that the warehouse link names a generation that is there and intact, every
generation against the checksum written when it was published, every lake file against
the checksum its generation lists, and what runs that died left behind (.building files,
stages, temporary files). It prints one line per finding and exits 1 while a problem
remains.

With --repair, and only when no ETL run holds the lock, it points the link at the newest
intact generation, moves damaged generations to data/damaged (it never deletes one) and
clears leftovers. A damaged lake file it only reports: precedent etl --full-refresh writes
the lake again from the source.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := doctor.Run(cmd.Context(), doctor.Options{Data: m.dataDir(), Repair: repair, DuckDB: m.duckdb()})
			if err != nil {
				return err
			}
			for _, f := range r.Findings {
				fmt.Fprintln(m.Stdout, doctor.Line(f))
			}
			if n := r.Problems(); n > 0 {
				return fmt.Errorf("%d problem(s) remain", n)
			}
			return nil
		},
	}
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	cmd.Flags().BoolVar(&repair, "repair", false, "repoint the link, move damaged generations aside and clear leftovers")
	return cmd
}
