package dashboard

import (
	"os"
	"sync"
	"time"

	"github.com/precedent-dev/precedent/etl/runlog"
)

// freshness is the header's line about the data's age.
type freshness struct {
	Generation  int
	PublishedAt time.Time
	LastRun     *runlog.Record
	Quarantined int64
	Damage      string // why the published generation is not the one served; shown as a red banner
}

func (s *Server) freshness() freshness {
	var f freshness
	if g, ok := s.wh.current(); ok {
		f.Generation, f.PublishedAt = g.ID, g.PublishedAt
	}
	f.LastRun, f.Quarantined = s.lastETL.get(s.opts.Data.RunLog(), s.runlog)
	f.Damage = s.wh.damaged()
	return f
}

// lastETL is the last ETL run that published (success, or warning when it
// rejected some input), read from the run log again only when the file
// changes (its size or modification time). Every page shows it, and
// reading the log costs a megabyte-sized buffer and a JSON decode of every
// line.
type lastETL struct {
	mu          sync.Mutex
	read        bool
	size        int64
	modified    time.Time
	run         *runlog.Record // read-only once cached
	quarantined int64
}

func (c *lastETL) get(path string, log *runlog.Log) (*runlog.Record, int64) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.read && c.size == st.Size() && c.modified.Equal(st.ModTime()) {
		return c.run, c.quarantined
	}
	r, ok, err := log.LastSuccess("etl")
	if err != nil {
		return nil, 0
	}
	// Appended after the Stat, the file only reads newer than its key, so
	// the next call reads it again.
	c.read, c.size, c.modified, c.run, c.quarantined = true, st.Size(), st.ModTime(), nil, 0
	if ok {
		c.run, c.quarantined = &r, detailOf(r).Quarantined
	}
	return c.run, c.quarantined
}

// runTotals are the row counts of one ETL run, and what the run log keeps
// of it.
type runTotals struct {
	Read, Loaded, Quarantined int64
	Result                    runlog.ETLDetail
}

func detailOf(r runlog.Record) runTotals {
	t := runTotals{Result: r.ETL()}
	t.Read, t.Loaded, t.Quarantined = t.Result.Totals()
	return t
}
