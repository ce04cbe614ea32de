package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/precedent-dev/precedent/cmd/precedent/schedule"
)

func (m *Main) reportCommand() *cobra.Command {
	var r reportRun
	cmd := &cobra.Command{
		Use:   "report [--week 2026-W47] [--out DIR] [--send [--force]]",
		Short: "Build the weekly report (and mail it with --send)",
		Long: `Builds the report of an ISO week (default: the last complete week) from the published
warehouse: what changed against the week before, as a self-contained HTML file with static
charts, a text version and the CSV files behind it, archived under
data/reports/<year>-W<week>/ (or --out); it prints the HTML file's path. The report links
to the dashboard at report.base_url (or server.public_url) when one is set. With --send it mails it to report.recipients
through the configured SMTP server, once: a week already sent is not sent again, and a send
that may have gone out before a crash needs --force.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if r.Out != "" && r.Send {
				return errors.New("--send mails the report kept under data/reports, where its sends are recorded; run it without --out")
			}
			path, err := m.runReport(cmd.Context(), schedule.Manual, 0, r)
			if path != "" {
				fmt.Fprintln(m.Stdout, "report written:", path)
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&r.Week, "week", "", "ISO week, e.g. 2026-W47 (default: the last complete week)")
	f.StringVar(&r.Out, "out", "", "folder to keep the report in, as <folder>/<year>-W<week>/ (default: data/reports)")
	f.BoolVar(&r.Send, "send", false, "mail the report to report.recipients")
	f.BoolVar(&r.Force, "force", false, "mail even if this week's report was sent, or may have been")
	f.String("data", "", "data directory (default: the config's data)")
	return cmd
}

func (m *Main) runCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "run etl|report",
		Short: "Run a scheduled job once, now, as the schedule would",
		Long: `Runs the ETL (the configured source) or the weekly report (last week's, mailed when
smtp.host is set) once, recorded in the run log with trigger manual. It does not overlap a
run of the same kind in progress, even in another process.`,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"etl", "report"},
		RunE: func(cmd *cobra.Command, args []string) error {
			switch args[0] {
			case "etl":
				return m.runETL(cmd.Context(), schedule.Manual, 0)
			case "report":
				return m.scheduledReport(cmd.Context(), schedule.Manual, 0)
			}
			return fmt.Errorf("run %q: want etl or report", args[0])
		},
	}
}
