package dashboard

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// warehouse is the published generation the server reads, opened in the
// SQL sandbox. When an ETL run publishes a new generation, refresh opens it
// and swaps it in; requests that hold the old one finish on it, and it is
// closed when the last of them releases it.
type warehouse struct {
	dir      wh.Dir
	settings wh.Settings
	logger   *slog.Logger
	// queryTimeout stops analysts' statements.
	queryTimeout time.Duration
	onSwap       func(wh.Generation) // called after refresh swaps a new generation in; set before watch starts

	mu  sync.RWMutex
	cur *generation
}

// generation is one open warehouse file and the requests using it: db
// for the dashboard's own queries, analyst for statements people write,
// which never run on db's connections.
type generation struct {
	db      *sql.DB
	analyst *wh.Analyst
	gen     wh.Generation
	refs    atomic.Int64
	retired atomic.Bool
	close   sync.Once
}

func (g *generation) closeIfDone() {
	if g.retired.Load() && g.refs.Load() == 0 {
		g.close.Do(func() {
			g.analyst.Close()
			g.db.Close()
		})
	}
}

// release gives the generation back; the last release of a retired one closes it.
func (g *generation) release() {
	g.refs.Add(-1)
	g.closeIfDone()
}

// acquire returns the current generation, held until release.
func (w *warehouse) acquire() (*generation, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.cur == nil {
		return nil, wh.ErrNoWarehouse
	}
	w.cur.refs.Add(1)
	return w.cur, nil
}

// current reports the published generation in use, if any.
func (w *warehouse) current() (wh.Generation, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.cur == nil {
		return wh.Generation{}, false
	}
	return w.cur.gen, true
}

// refresh opens the published generation if it is not the one in use.
func (w *warehouse) refresh(ctx context.Context) error {
	pub, err := w.dir.Published()
	if errors.Is(err, wh.ErrNoWarehouse) {
		return nil
	}
	if err != nil {
		return err
	}
	if g, ok := w.current(); ok && g.ID == pub.ID {
		return nil
	}
	db, err := wh.Sandbox(ctx, pub.Path, w.settings)
	if err != nil {
		return err
	}
	analyst, err := wh.OpenAnalyst(ctx, pub.Path, w.settings, w.queryTimeout)
	if err != nil {
		db.Close()
		return err
	}
	next := &generation{db: db, analyst: analyst, gen: pub}
	w.mu.Lock()
	old := w.cur
	w.cur = next
	w.mu.Unlock()
	if old != nil {
		old.retired.Store(true)
		old.closeIfDone()
	}
	w.logger.Info("serving warehouse generation", "generation", pub.ID, "path", pub.Path)
	if w.onSwap != nil {
		w.onSwap(pub)
	}
	return nil
}

// watch refreshes every interval until ctx ends.
func (w *warehouse) watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := w.refresh(ctx); err != nil {
				w.logger.Warn("open published warehouse", "err", err)
			}
		}
	}
}

// close closes the generation in use once its requests are done.
func (w *warehouse) close() {
	w.mu.Lock()
	old := w.cur
	w.cur = nil
	w.mu.Unlock()
	if old != nil {
		old.retired.Store(true)
		old.closeIfDone()
	}
}
