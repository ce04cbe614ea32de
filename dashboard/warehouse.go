package dashboard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
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

	// verifier checks each generation against its checksum once per file
	// size and time; unopenable holds the generations that verified but
	// that DuckDB could not open (only refresh uses it).
	verifier   wh.Verifier
	unopenable map[string]error

	mu     sync.RWMutex
	cur    *generation
	damage string // why the published generation is not the one served; "" when it is
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
	if w.cur == nil && w.damage != "" {
		return nil, &damagedError{w.damage}
	}
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

// damaged reports why the published generation is not served, as a
// sentence that says what is served instead; "" when it is served.
func (w *warehouse) damaged() string {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.damage
}

// damagedError is a request made while no intact generation can be served.
type damagedError struct{ msg string }

func (e *damagedError) Error() string { return e.msg }

// refresh serves the published generation when it is intact and not the
// one in use. When it is damaged, missing or cannot be opened, it serves
// the newest intact older generation instead and keeps the reason for the
// banner and /readyz; it never fails for damage, so a restart on a damaged
// warehouse serves what it can.
func (w *warehouse) refresh(ctx context.Context) error {
	for {
		h, err := w.dir.Check(&w.verifier)
		if errors.Is(err, wh.ErrNoWarehouse) {
			return nil
		}
		if err != nil {
			return err
		}
		if bad := w.unopenable[h.Published.Path]; h.Damage == nil && bad != nil {
			h.Damage = bad
			if h.Intact, err = w.dir.IntactBefore(&w.verifier, h.Published.ID); err != nil {
				return err
			}
		}
		serve := h.Published
		if h.Damage != nil {
			serve = wh.Generation{}
			for _, g := range h.Intact {
				if w.unopenable[g.Path] == nil {
					serve = g
					break
				}
			}
		}
		if g, ok := w.current(); ok && g.ID == serve.ID {
			w.setDamage(h, serve)
			return nil
		}
		if serve.ID == 0 {
			w.setDamage(h, serve)
			w.swap(nil)
			return nil
		}
		next, err := w.open(ctx, serve)
		if err != nil {
			// Try the next one; it is remembered, so this ends.
			w.logger.Error("cannot open warehouse generation", "generation", serve.ID, "err", err)
			if w.unopenable == nil {
				w.unopenable = map[string]error{}
			}
			w.unopenable[serve.Path] = fmt.Errorf("%s cannot be opened: %s", filepath.Base(serve.Path), wh.Message(err))
			continue
		}
		w.setDamage(h, serve)
		w.swap(next)
		w.logger.Info("serving warehouse generation", "generation", serve.ID, "path", serve.Path)
		if w.onSwap != nil {
			w.onSwap(serve)
		}
		return nil
	}
}

// open opens generation g for the dashboard's queries and analysts'.
func (w *warehouse) open(ctx context.Context, g wh.Generation) (*generation, error) {
	db, err := wh.Sandbox(ctx, g.Path, w.settings)
	if err != nil {
		return nil, err
	}
	analyst, err := wh.OpenAnalyst(ctx, g.Path, w.settings, w.queryTimeout)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &generation{db: db, analyst: analyst, gen: g}, nil
}

// swap puts next in use (nil: none) and retires the generation it replaces.
func (w *warehouse) swap(next *generation) {
	w.mu.Lock()
	old := w.cur
	w.cur = next
	w.mu.Unlock()
	if old != nil {
		old.retired.Store(true)
		old.closeIfDone()
	}
}

// setDamage records why the published generation is not served and what
// is served instead, logging an error when that changes.
func (w *warehouse) setDamage(h wh.Health, served wh.Generation) {
	msg := ""
	switch {
	case h.Damage != nil && served.ID == 0:
		msg = fmt.Sprintf("The published warehouse cannot be used: %v. No intact generation is left to serve; precedent etl rebuilds the warehouse.", h.Damage)
	case h.Damage != nil:
		msg = fmt.Sprintf("The published warehouse cannot be used: %v. Serving generation %d (published %s UTC) instead until precedent etl rebuilds it.",
			h.Damage, served.ID, served.PublishedAt.UTC().Format(time.DateTime))
	}
	w.mu.Lock()
	changed := msg != w.damage
	w.damage = msg
	w.mu.Unlock()
	switch {
	case changed && msg != "":
		w.logger.Error("the published warehouse is damaged; serving an older generation", "damage", h.Damage, "published", h.Published.ID, "serving", served.ID)
	case changed:
		w.logger.Info("the published warehouse is intact again", "generation", served.ID)
	}
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
func (w *warehouse) close() { w.swap(nil) }
