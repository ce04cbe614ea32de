package auth

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter limits login attempts per key (client address, and user name).
type Limiter struct {
	every time.Duration
	burst int

	mu   sync.Mutex
	keys map[string]*limited
}

type limited struct {
	lim  *rate.Limiter
	seen time.Time
}

// NewLimiter allows burst attempts at once per key, then one per every.
func NewLimiter(every time.Duration, burst int) *Limiter {
	return &Limiter{every: every, burst: burst, keys: map[string]*limited{}}
}

// Allow takes one attempt for each key and reports whether all were allowed.
func (l *Limiter) Allow(keys ...string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	ok := true
	for _, k := range keys {
		e, found := l.keys[k]
		if !found {
			if len(l.keys) > 10000 {
				l.sweep(now)
			}
			e = &limited{lim: rate.NewLimiter(rate.Every(l.every), l.burst)}
			l.keys[k] = e
		}
		e.seen = now
		if !e.lim.AllowN(now, 1) {
			ok = false
		}
	}
	return ok
}

// sweep forgets keys idle long enough to have refilled.
func (l *Limiter) sweep(now time.Time) {
	for k, e := range l.keys {
		if now.Sub(e.seen) > l.every*time.Duration(l.burst) {
			delete(l.keys, k)
		}
	}
}
