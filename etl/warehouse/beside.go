package warehouse

import (
	"context"
	"database/sql"
)

// Beside runs work that only reads what the caller already wrote (a data
// test, a Parquet file of a finished table) on a connection of its own,
// in the order it is given, while the caller goes on writing: most of a
// build's statements are too small to keep every core busy, so the two
// share DuckDB's threads. Without a connection of its own it runs the work
// in turn, on the caller's. The first error stops the work that follows.
type Beside struct {
	conn *sql.Conn
	jobs chan func(context.Context, *sql.Conn) error // nil when working in turn
	done chan struct{}
	err  error // read by Wait, once done
}

// NewBeside starts a Beside on side, or one working in turn on conn when
// side is nil. Wait must be called to let it go.
func NewBeside(ctx context.Context, conn, side *sql.Conn) *Beside {
	if side == nil {
		return &Beside{conn: conn}
	}
	b := &Beside{conn: side, jobs: make(chan func(context.Context, *sql.Conn) error, 64), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for job := range b.jobs {
			if b.err == nil {
				b.err = job(ctx, b.conn)
			}
		}
	}()
	return b
}

// Do hands job to b; jobs run in the order given.
func (b *Beside) Do(ctx context.Context, job func(context.Context, *sql.Conn) error) {
	if b.jobs != nil {
		b.jobs <- job
		return
	}
	if b.err == nil {
		b.err = job(ctx, b.conn)
	}
}

// Wait lets b finish the jobs it was given and returns the first error.
// Work given after Wait runs in turn.
func (b *Beside) Wait() error {
	if b.jobs != nil {
		close(b.jobs)
		<-b.done
		b.jobs = nil
	}
	return b.err
}
