package etl

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
)

// loadPlan is what the run does with one entity's files: those it reads
// and those it passes over unchanged.
type loadPlan struct {
	read      []plannedFile
	unchanged []unchangedFile
}

// plannedFile is a file to read, with its sequence number in the run.
type plannedFile struct {
	file SourceFile
	seq  int
}

// unchangedFile is a file passed over: the same content was read before.
type unchangedFile struct {
	file SourceFile
	was  earlier
}

// planLoads sorts the entities' files into those to read and those read
// before, in contract order, numbering the files to read.
func (b *build) planLoads(files []SourceFile, seen readBefore) []loadPlan {
	plans := make([]loadPlan, len(contract.Entities))
	for i, e := range contract.Entities {
		p := &plans[i]
		for _, f := range files {
			if f.Entity != e.Name {
				continue
			}
			if was, ok := seen.same(f); ok {
				p.unchanged = append(p.unchanged, unchangedFile{f, was})
				continue
			}
			seen.add(f)
			b.seq++
			p.read = append(p.read, plannedFile{f, b.seq})
		}
	}
	return plans
}

// fileRead is one file read into its raw table, or why it was not.
type fileRead struct {
	file    SourceFile
	text    decodedText
	textErr error // the text could not be had: the run stops
	raw     *rawFile
	err     error // from reading (an *errUnreadable passes the file over)
	took    time.Duration
}

// readFiles reads plan's files of entity e on conn. It stops at the first
// error that is not the file's own (errUnreadable).
func (b *build) readFiles(ctx context.Context, conn *sql.Conn, e *contract.Entity, plan loadPlan) []fileRead {
	var out []fileRead
	for _, pf := range plan.read {
		f := pf.file
		start := time.Now()
		rd := fileRead{file: f}
		rd.text, rd.textErr = b.text(f)
		if rd.textErr == nil {
			rd.raw, rd.err = readFile(ctx, conn, e, f, rd.text, pf.seq)
		}
		rd.took = time.Since(start)
		out = append(out, rd)
		var unreadable *errUnreadable
		if rd.textErr != nil || (rd.err != nil && !errors.As(rd.err, &unreadable)) {
			break
		}
	}
	return out
}

// aheadReader reads each entity's files one entity ahead of the load, on a
// connection of its own: reading a CSV into text is mostly one thread's
// work, which the other core does while the build validates the entity
// before (docs/benchmarks.md, ninth measurement). Without a connection of
// its own it reads each entity's files in turn.
type aheadReader struct {
	b       *build
	ctx     context.Context
	cancel  context.CancelFunc
	plans   []loadPlan
	pending int             // the entity being read ahead, -1 when none
	done    chan []fileRead // its reads, once finished
}

// readAhead starts reading the files of plans.
func (b *build) readAhead(ctx context.Context, plans []loadPlan) *aheadReader {
	ctx, cancel := context.WithCancel(ctx)
	return &aheadReader{b: b, ctx: ctx, cancel: cancel, plans: plans, pending: -1}
}

// next returns entity i's reads, waiting for them when they are under
// way, and starts reading the next entity with files.
func (a *aheadReader) next(i int) []fileRead {
	var reads []fileRead
	switch {
	case a.pending == i:
		reads = <-a.done
		a.pending = -1
	case len(a.plans[i].read) > 0:
		reads = a.b.readFiles(a.ctx, a.b.conn, &contract.Entities[i], a.plans[i])
	}
	if a.pending < 0 {
		a.start(i + 1)
	}
	return reads
}

// start reads ahead the files of the first entity from i on that has any.
func (a *aheadReader) start(i int) {
	if a.b.reader == nil {
		return
	}
	for ; i < len(a.plans) && len(a.plans[i].read) == 0; i++ {
	}
	if i == len(a.plans) {
		return
	}
	a.pending, a.done = i, make(chan []fileRead, 1)
	go func(i int, done chan<- []fileRead) {
		done <- a.b.readFiles(a.ctx, a.b.reader, &contract.Entities[i], a.plans[i])
	}(i, a.done)
}

// stop cancels reading ahead and waits for the read under way, so that
// the reader's connection is free.
func (a *aheadReader) stop() {
	a.cancel()
	if a.pending >= 0 {
		<-a.done
		a.pending = -1
	}
}
