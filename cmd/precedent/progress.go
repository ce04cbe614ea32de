package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/precedent-dev/precedent/etl"
)

// etlProgress returns the progress callback for an ETL run: on a terminal a
// live line per table pulled and per entity loaded with rows and rows/s,
// otherwise structured log lines.
// done finishes the display.
func (m *Main) etlProgress() (func(etl.Progress), func()) {
	f, ok := m.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func(p etl.Progress) {
			switch p.Stage {
			case "pull":
				return // the source logs each table it pulled
			case "load":
				m.logger.Info("loaded file", "entity", p.Entity, "file", p.File, "rows", p.Rows, "rows_per_s", rate(p.Rows, p.Elapsed))
			default:
				m.logger.Info("etl stage", "stage", p.Stage)
			}
		}, func() {}
	}
	var bar *progressbar.ProgressBar
	var entity string
	finish := func() {
		if bar != nil {
			bar.Finish()
			fmt.Fprintln(m.Stderr)
		}
	}
	return func(p etl.Progress) {
		bars := p.Stage == "load" || p.Stage == "pull"
		if p.Entity != entity || !bars {
			finish()
			bar, entity = nil, p.Entity
		}
		if !bars {
			fmt.Fprintf(m.Stderr, "%s...\n", p.Stage)
			return
		}
		if bar == nil {
			bar = newRowBar(m.Stderr, p.Entity)
		}
		bar.Set64(p.Rows)
	}, finish
}

func newRowBar(w io.Writer, entity string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(fmt.Sprintf("%-15s", entity)),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionThrottle(100*time.Millisecond),
	)
}

func rate(rows int64, d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(float64(rows) / d.Seconds())
}
