package dashboard

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// peer sends requests straight to a server's handler from a socket
// address of the test's choosing, keeping the cookies it is given.
type peer struct {
	t       *testing.T
	h       http.Handler
	addr    string // host:port the requests come from
	xff     string // X-Forwarded-For to send, if any
	host    string // the Host header, if not example.com
	cookies map[string]*http.Cookie
}

func newPeer(t *testing.T, s *Server, addr, xff string) *peer {
	return &peer{t: t, h: s.Handler(), addr: addr, xff: xff, cookies: map[string]*http.Cookie{}}
}

func (p *peer) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	p.t.Helper()
	return p.doWith(method, path, form, nil)
}

// doWith is do with extra headers.
func (p *peer) doWith(method, path string, form url.Values, header http.Header) *httptest.ResponseRecorder {
	p.t.Helper()
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	for k, v := range header {
		r.Header[k] = v
	}
	r.RemoteAddr = p.addr
	if p.host != "" {
		r.Host = p.host
	}
	if p.xff != "" {
		r.Header.Set("X-Forwarded-For", p.xff)
	}
	for _, c := range p.cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	p.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		p.cookies[c.Name] = c
	}
	return w
}

// login signs in through the login form, returning the answer's status.
func (p *peer) login(name, password string) (int, http.Header) {
	p.t.Helper()
	m := csrfRe.FindStringSubmatch(p.do("GET", "/login", nil).Body.String())
	if m == nil {
		p.t.Fatal("no CSRF token on /login")
	}
	w := p.do("POST", "/login", url.Values{"csrf": {m[1]}, "username": {name}, "password": {password}, "next": {"/"}})
	return w.Code, w.Header()
}

// freezeGuard stops the clock of s's login guard, so back-offs last
// however slowly the test runs (bcrypt under -race takes a second).
func freezeGuard(s *Server) {
	now := time.Now()
	s.guard.now = func() time.Time { return now }
}

// TestLoginBackOff checks the login guard through HTTP: a client that
// forges X-Forwarded-For without being a trusted proxy neither escapes
// its back-off nor puts someone else's address in one, and the real user
// signs in from their own address while the account is under attack.
func TestLoginBackOff(t *testing.T) {
	t.Run("ForgedXFFDoesNotEvade", func(t *testing.T) {
		s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers})
		freezeGuard(s)
		var codes []int
		var retry []string
		for i := range 5 {
			code, h := newPeer(t, s, "203.0.113.9:4000", fmt.Sprintf("198.51.100.%d", i+1)).login("ana", "guess")
			codes, retry = append(codes, code), append(retry, h.Get("Retry-After"))
		}
		want := []int{401, 401, 401, 429, 429}
		if fmt.Sprint(codes) != fmt.Sprint(want) || retry[3] != "1" {
			t.Errorf("attempts with a new forged address each: %v (Retry-After %q), want %v (1 second after the third)", codes, retry, want)
		}
	})
	t.Run("ForgedXFFDoesNotTrigger", func(t *testing.T) {
		s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers})
		freezeGuard(s)
		const victim = "198.51.100.7"
		// The attacker names the victim's address, and a dozen others
		// hammer the same account.
		for range 5 {
			newPeer(t, s, "203.0.113.9:4000", victim).login("ana", "guess")
		}
		for i := range 12 {
			newPeer(t, s, fmt.Sprintf("203.0.113.%d:4000", 100+i), "").login("ana", "guess")
		}
		code, h := newPeer(t, s, "203.0.113.100:4000", "").login("ana", "correct horse ana")
		if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
			t.Errorf("an attacking address with the right password: %d (Retry-After %q), want 429 with Retry-After", code, h.Get("Retry-After"))
		}
		if code, _ := newPeer(t, s, net.JoinHostPort(victim, "5000"), "").login("ana", "correct horse ana"); code != http.StatusSeeOther {
			t.Errorf("the real user from their own address: %d, want 303", code)
		}
	})
	t.Run("TrustedProxy", func(t *testing.T) {
		_, proxies, _ := net.ParseCIDR("10.0.0.0/8")
		s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers, TrustedProxies: []*net.IPNet{proxies}})
		freezeGuard(s)
		for range 3 {
			newPeer(t, s, "10.0.0.2:4000", "198.51.100.7").login("ana", "guess")
		}
		if code, _ := newPeer(t, s, "10.0.0.2:4000", "198.51.100.7").login("ana", "guess"); code != http.StatusTooManyRequests {
			t.Errorf("the proxied client's fourth failure: %d, want 429", code)
		}
		if code, _ := newPeer(t, s, "10.0.0.2:4000", "198.51.100.8").login("ana", "correct horse ana"); code != http.StatusSeeOther {
			t.Errorf("another client behind the same proxy: %d, want 303", code)
		}
	})
}

// TestSessionLifetimeOption checks that Options.SessionLifetime reaches
// the sessions: a session past it is signed out though just used.
func TestSessionLifetimeOption(t *testing.T) {
	s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers, SessionLifetime: time.Hour})
	now := time.Now()
	s.sessions.Now = func() time.Time { return now }
	p := newPeer(t, s, "198.51.100.7:4000", "")
	if code, _ := p.login("vera", "correct horse vera"); code != http.StatusSeeOther {
		t.Fatalf("login: %d", code)
	}
	var elapsed time.Duration
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, http.StatusOK}, {50 * time.Minute, http.StatusOK}, {9 * time.Minute, http.StatusOK}, {2 * time.Minute, http.StatusSeeOther}} {
		now, elapsed = now.Add(step.advance), elapsed+step.advance
		w := p.do("GET", "/billing", nil)
		if w.Code != step.want {
			t.Fatalf("GET /billing %v after sign-in = %d, want %d", elapsed, w.Code, step.want)
		}
	}
	if loc := p.do("GET", "/billing", nil).Header().Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Errorf("past the lifetime /billing sends to %q, want /login", loc)
	}
}
