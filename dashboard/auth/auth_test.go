package auth

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func TestRoles(t *testing.T) {
	tests := []struct {
		have, need Role
		want       bool
	}{
		{Viewer, Viewer, true}, {Viewer, Analyst, false}, {Viewer, Admin, false},
		{Analyst, Viewer, true}, {Analyst, Analyst, true}, {Analyst, Admin, false},
		{Admin, Viewer, true}, {Admin, Admin, true}, {"", Viewer, false},
	}
	for _, tt := range tests {
		if got := tt.have.Allows(tt.need); got != tt.want {
			t.Errorf("%q.Allows(%q) = %v, want %v", tt.have, tt.need, got, tt.want)
		}
	}
	if _, err := ParseRole("root"); err == nil {
		t.Error("ParseRole(root) accepted")
	}
}

func TestAuthenticate(t *testing.T) {
	if _, err := HashPassword("short"); err == nil {
		t.Error("short password accepted")
	}
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	users := []User{{Name: "ana", Role: Analyst, PasswordHash: h}}
	if u, ok := Authenticate(users, "ana", "correct horse battery"); !ok || u.Role != Analyst {
		t.Errorf("right password refused")
	}
	if _, ok := Authenticate(users, "ana", "wrong horse battery"); ok {
		t.Errorf("wrong password accepted")
	}
	if _, ok := Authenticate(users, "bob", "correct horse battery"); ok {
		t.Errorf("unknown user accepted")
	}
}

// TestDummyHash checks that the hash an unknown name is compared against
// is a valid bcrypt hash at the cost of a real user's, so that the
// comparison takes as long.
func TestDummyHash(t *testing.T) {
	cost, err := bcrypt.Cost(dummyHash)
	if err != nil {
		t.Fatalf("dummyHash is not a bcrypt hash: %v", err)
	}
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	want, err := bcrypt.Cost([]byte(h))
	if err != nil {
		t.Fatal(err)
	}
	if cost != want {
		t.Errorf("dummyHash has cost %d, a user's hash %d", cost, want)
	}
	// A malformed hash would be refused before any hashing.
	if err := bcrypt.CompareHashAndPassword(dummyHash, []byte("correct horse battery")); err != bcrypt.ErrMismatchedHashAndPassword {
		t.Errorf("comparing with dummyHash: %v, want a mismatch", err)
	}
}

func TestSessions(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s := NewSessions(time.Hour, 24*time.Hour)
	s.Now = func() time.Time { return now }
	ses := s.New("ana", Analyst)
	r := httptest.NewRequest("GET", "/", nil)
	w := httptest.NewRecorder()
	SetCookie(w, ses, false)
	c := w.Result().Cookies()[0]
	if !c.HttpOnly || c.SameSite == 0 || c.Secure {
		t.Errorf("cookie = %+v, want HttpOnly, SameSite, not Secure", c)
	}
	r.AddCookie(c)
	if got, ok := s.Get(r); !ok || got.User != "ana" {
		t.Fatalf("session not found")
	}
	now = now.Add(2 * time.Hour)
	if _, ok := s.Get(r); ok {
		t.Errorf("expired session still valid")
	}
	w = httptest.NewRecorder()
	SetCookie(w, ses, true)
	if !w.Result().Cookies()[0].Secure {
		t.Errorf("cookie not Secure when asked")
	}
}

// TestSessionLifetime checks that a session ends at its lifetime however
// active it is, and at its idle time when left alone.
func TestSessionLifetime(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration // between uses
		uses  int
		alive bool // after the last use
	}{
		{"ActiveWithinLifetime", 50 * time.Minute, 28, true},      // 23h20m
		{"ActivePastLifetime", 50 * time.Minute, 29, false},       // 24h10m
		{"IdlePastTimeout", 61 * time.Minute, 1, false},           // 1h01m idle
		{"IdleWithinTimeout", 59 * time.Minute, 1, true},          // 59m idle
		{"ActiveToTheLastMinute", 60 * time.Minute, 24, true},     // exactly 24h
		{"ActiveJustPastLifetime", 60*time.Minute + 1, 24, false}, // 24h00m00.000000024s
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
			s := NewSessions(time.Hour, 24*time.Hour)
			s.Now = func() time.Time { return now }
			ses := s.New("ana", Analyst)
			r := httptest.NewRequest("GET", "/", nil)
			r.AddCookie(&http.Cookie{Name: CookieName, Value: ses.ID})
			alive := true
			for range tt.uses {
				now = now.Add(tt.every)
				_, alive = s.Get(r)
				if !alive {
					break
				}
			}
			if alive != tt.alive {
				t.Errorf("alive = %v, want %v", alive, tt.alive)
			}
		})
	}
}
