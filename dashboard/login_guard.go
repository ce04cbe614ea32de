package dashboard

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
)

// The login guard's limits. Failed logins are counted per client address,
// per account and per (client, account) pair. Each key has a few free
// failures; after them each attempt on the key waits 1s×2^k, k the
// failures past the free ones, capped at maxBackOff, and an attempt made
// while a key it is subject to backs off is answered 429 with Retry-After
// without its password being compared.
//
// The account key must not let an attacker lock the real user out: it
// applies only to a client that has itself failed against the account
// since its last success there. A client with a clean record for the
// account always has its password compared (its own address and the
// bcrypt limit permitting), so the real user signs in from their own
// address however hard others hammer the account; what the attacker loses
// is every address that has failed once, which then waits the account's
// back-off. The cost is that a real user who mistypes during such an
// attack waits too, at most maxBackOff.
const (
	freePair    = 3
	freeAccount = 10
	freeClient  = 10
	maxBackOff  = 15 * time.Minute
	// forgetAfter drops a key's failures this long after the last one.
	forgetAfter = 24 * time.Hour
	// guardKeys bounds the keys tracked; the least recently failed go first.
	guardKeys = 30000
	// bcryptSlots bounds the password comparisons under way; an attempt
	// that waits bcryptWait for one is answered 503.
	bcryptSlots = 2
	bcryptWait  = 2 * time.Second
)

// loginGuard decides which login attempts have their password compared.
type loginGuard struct {
	now   func() time.Time
	slots chan struct{} // password comparisons under way
	wait  time.Duration // how long an attempt waits for a slot
	max   int           // keys tracked at most

	mu   sync.Mutex
	keys map[string]*list.Element // of *strikes
	lru  list.List                // most recently failed first
}

// strikes are one key's failures.
type strikes struct {
	key      string
	free     int
	failures int
	last     time.Time // the last failure
}

func newLoginGuard() *loginGuard {
	return &loginGuard{now: time.Now, slots: make(chan struct{}, bcryptSlots), wait: bcryptWait, max: guardKeys, keys: map[string]*list.Element{}}
}

// refusal is why an attempt was not compared: its status (429 or 503),
// when to try again, and what to tell the person.
type refusal struct {
	status int
	retry  time.Duration
	msg    string
}

// retryAfter is retry in whole seconds, rounded up, for Retry-After.
func (r *refusal) retryAfter() int { return int(math.Ceil(r.retry.Seconds())) }

// attempt names the keys one login attempt is counted under.
type attempt struct{ client, account, pair string }

func newAttempt(client, name string) attempt {
	account := strings.ToLower(name)
	if len(account) > 64 { // longer names are invalid; keys stay small
		account = account[:64]
	}
	return attempt{client: "client\x00" + client, account: "account\x00" + account, pair: "pair\x00" + client + "\x00" + account}
}

// check runs compare, which compares the password, unless a key of the
// attempt backs off or no comparison slot frees up in time. A failure is
// counted before compare runs, so concurrent attempts cannot slip past
// the back-off, and given back if compare succeeds (which also clears
// the pair) or never runs.
func (g *loginGuard) check(ctx context.Context, client, name string, compare func() bool) (bool, *refusal) {
	a := newAttempt(client, name)
	if wait := g.admit(a); wait > 0 {
		r := &refusal{status: http.StatusTooManyRequests, retry: wait}
		r.msg = fmt.Sprintf("too many failed sign-ins; try again in %d seconds", r.retryAfter())
		return false, r
	}
	if !g.acquire(ctx) {
		g.refund(a, false)
		return false, &refusal{status: http.StatusServiceUnavailable, retry: time.Second, msg: "the server is busy signing people in; try again in a moment"}
	}
	ok := compare()
	<-g.slots
	if ok {
		g.refund(a, true)
	}
	return ok, nil
}

// admit returns how long the attempt must wait, or 0 after counting it as
// a failure of each of its keys.
func (g *loginGuard) admit(a attempt) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	pair := g.get(a.pair, now)
	wait := max(pair.wait(now), g.get(a.client, now).wait(now))
	if pair != nil && pair.failures > 0 {
		wait = max(wait, g.get(a.account, now).wait(now))
	}
	if wait > 0 {
		return wait
	}
	g.charge(a.pair, freePair, now)
	g.charge(a.account, freeAccount, now)
	g.charge(a.client, freeClient, now)
	return 0
}

// refund gives back the failure admit counted; after a success the pair
// is forgotten.
func (g *loginGuard) refund(a attempt, success bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, key := range []string{a.pair, a.account, a.client} {
		el, ok := g.keys[key]
		if !ok {
			continue
		}
		s := el.Value.(*strikes)
		if s.failures--; s.failures <= 0 || (success && key == a.pair) {
			g.lru.Remove(el)
			delete(g.keys, key)
		}
	}
}

func (g *loginGuard) acquire(ctx context.Context) bool {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return true
	case <-t.C:
		return false
	case <-ctx.Done():
		return false
	}
}

// get returns the key's strikes, nil if it has none worth remembering.
func (g *loginGuard) get(key string, now time.Time) *strikes {
	el, ok := g.keys[key]
	if !ok {
		return nil
	}
	s := el.Value.(*strikes)
	if now.Sub(s.last) > forgetAfter {
		g.lru.Remove(el)
		delete(g.keys, key)
		return nil
	}
	return s
}

// charge counts a failure of key, evicting the least recently failed
// keys past the bound.
func (g *loginGuard) charge(key string, free int, now time.Time) {
	if el, ok := g.keys[key]; ok {
		s := el.Value.(*strikes)
		s.failures++
		s.last = now
		g.lru.MoveToFront(el)
		return
	}
	g.keys[key] = g.lru.PushFront(&strikes{key: key, free: free, failures: 1, last: now})
	for g.lru.Len() > g.max {
		el := g.lru.Back()
		g.lru.Remove(el)
		delete(g.keys, el.Value.(*strikes).key)
	}
}

// wait is how long the key still backs off at now.
func (s *strikes) wait(now time.Time) time.Duration {
	if s == nil || s.failures < s.free {
		return 0
	}
	backOff := maxBackOff
	if k := s.failures - s.free; k < 20 {
		backOff = min(time.Second<<k, maxBackOff)
	}
	return max(s.last.Add(backOff).Sub(now), 0)
}
