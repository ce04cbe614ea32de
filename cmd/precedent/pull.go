package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/etl"
)

func (m *Main) pullCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "pull [SOURCE...] [--data DIR]",
		Short: "Pull the configured sources and land what they hold new, without loading it",
		Long: `Pulls the sources the configuration lists under sources: (all of them, or the ones
named) and lands what each holds new since its last pull in data/landing/<source>/, as
precedent etl does before it loads; the next precedent etl loads what was landed. A pull takes
the ETL's lock and is recorded on the Runs page (status landed, or failed with the reason);
what it landed before a failure stays, with its cursors, and the next pull continues from
there. Secrets never appear in the output or the run log. See docs/sources.md.`,
		RunE: func(cmd *cobra.Command, names []string) error {
			opts := m.etlOptions("", "pull", 0)
			if len(opts.Pullers) == 0 {
				return fmt.Errorf("no sources to pull: the configuration lists none under sources: (docs/sources.md)")
			}
			var known []string
			for _, p := range opts.Pullers {
				known = append(known, p.Name())
			}
			for _, n := range names {
				if !slices.Contains(known, n) {
					return fmt.Errorf("source %q: not in the configuration's sources (%s)", n, strings.Join(known, ", "))
				}
			}
			if len(names) > 0 {
				opts.Pullers = slices.DeleteFunc(opts.Pullers, func(p etl.Puller) bool { return !slices.Contains(names, p.Name()) })
			}
			progress, done := m.etlProgress()
			opts.Progress = progress
			res, err := etl.Pull(cmd.Context(), opts)
			done()
			if res != nil {
				for _, p := range res.Pulls {
					for _, o := range p.Objects {
						if o.Rows > 0 {
							fmt.Fprintf(m.Stdout, "%s %s: %d rows landed in %s\n", p.Source, o.Object, o.Rows, o.File)
						}
					}
					fmt.Fprintf(m.Stdout, "%s: pulled in %.1fs\n", p.Source, p.Seconds)
				}
				if err == nil {
					fmt.Fprintf(m.Stdout, "run %d: %s; precedent etl loads it\n", res.RunID, res.Status)
				}
			}
			return err
		},
	}
	cmd.Flags().String("data", "", "data directory (default: the config's data)")
	return cmd
}
