package auth

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"sync"
	"time"
)

// CookieName is the session cookie.
const CookieName = "precedent_session"

// Session is one signed-in browser.
type Session struct {
	ID      string
	User    string
	Role    Role
	Created time.Time
	Expires time.Time // the end of its idle time or of its lifetime, whichever is first
}

// Sessions keeps sessions in memory.
type Sessions struct {
	TTL      time.Duration // idle time after which a session ends
	Lifetime time.Duration // age at which a session ends however active
	Now      func() time.Time

	mu   sync.Mutex
	byID map[string]*Session
}

// NewSessions returns an empty store whose sessions last ttl after their
// last use and never longer than lifetime after they began.
func NewSessions(ttl, lifetime time.Duration) *Sessions {
	return &Sessions{TTL: ttl, Lifetime: lifetime, Now: time.Now, byID: map[string]*Session{}}
}

func token() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// New starts a session for user with role.
func (s *Sessions) New(user string, role Role) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	for id, old := range s.byID {
		if now.After(old.Expires) {
			delete(s.byID, id)
		}
	}
	ses := &Session{ID: token(), User: user, Role: role, Created: now}
	ses.Expires = s.expiry(ses, now)
	s.byID[ses.ID] = ses
	return ses
}

// Get returns the live session named by the request's cookie, extending it.
func (s *Sessions) Get(r *http.Request) (*Session, bool) {
	c, err := r.Cookie(CookieName)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ses, ok := s.byID[c.Value]
	if !ok {
		return nil, false
	}
	now := s.Now()
	if now.After(ses.Expires) {
		delete(s.byID, ses.ID)
		return nil, false
	}
	ses.Expires = s.expiry(ses, now)
	return ses, true
}

// expiry is when ses ends if not used again after now.
func (s *Sessions) expiry(ses *Session, now time.Time) time.Time {
	idle, end := now.Add(s.TTL), ses.Created.Add(s.Lifetime)
	if idle.Before(end) {
		return idle
	}
	return end
}

// Delete ends a session.
func (s *Sessions) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

// SetCookie sends the session cookie: HttpOnly, SameSite=Lax, and Secure
// when secure (the caller knows whether browsers reach it over TLS).
func SetCookie(w http.ResponseWriter, ses *Session, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: ses.ID, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
	})
}

// ClearCookie removes the session cookie.
func ClearCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure,
	})
}
