package dashboard

import (
	"net/http"
	"net/url"
	"testing"
)

// TestCSRFBoundToSession checks that a CSRF token works only for the
// session it was issued to.
func TestCSRFBoundToSession(t *testing.T) {
	run := &triggered{}
	s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers, Runs: run})
	tokenOf := func(p *peer, path string) string {
		t.Helper()
		m := csrfRe.FindStringSubmatch(p.do("GET", path, nil).Body.String())
		if m == nil {
			t.Fatalf("no CSRF token on %s", path)
		}
		return m[1]
	}
	attacker, victim := newPeer(t, s, "203.0.113.9:4000", ""), newPeer(t, s, "198.51.100.7:4000", "")
	for _, p := range []*peer{attacker, victim} {
		if code, _ := p.login("adam", "correct horse adam"); code != http.StatusSeeOther {
			t.Fatalf("login: %d", code)
		}
	}
	trigger := func(p *peer, form url.Values, header http.Header) int {
		t.Helper()
		form.Set("kind", "etl")
		return p.doWith("POST", "/runs/trigger", form, header).Code
	}
	attackerToken := tokenOf(attacker, "/runs")
	attackerCookie := attacker.cookies[csrfCookie]
	tests := []struct {
		name    string
		prepare func()
		form    url.Values
		header  http.Header
		want    int
	}{
		{"NoToken", nil, url.Values{}, nil, http.StatusForbidden},
		{"AnotherSessionsToken", nil, url.Values{"csrf": {attackerToken}}, nil, http.StatusForbidden},
		// A double-submit pair: the cookie planted in the victim's browser
		// and the same value in the form.
		{"PlantedCookiePair", func() { victim.cookies[csrfCookie] = attackerCookie }, url.Values{"csrf": {attackerCookie.Value}}, nil, http.StatusForbidden},
		{"PlantedCookieAndItsToken", func() { victim.cookies[csrfCookie] = attackerCookie }, url.Values{"csrf": {attackerToken}}, nil, http.StatusForbidden},
		{"CrossSite", nil, url.Values{"csrf": {tokenOf(victim, "/runs")}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"OwnToken", nil, url.Values{"csrf": {tokenOf(victim, "/runs")}}, nil, http.StatusSeeOther},
		{"OwnTokenInHeader", nil, url.Values{}, http.Header{"X-Csrf-Token": {tokenOf(victim, "/runs")}}, http.StatusSeeOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.prepare != nil {
				tt.prepare()
			}
			if got := trigger(victim, tt.form, tt.header); got != tt.want {
				t.Errorf("POST /runs/trigger = %d, want %d", got, tt.want)
			}
		})
	}
	if len(run.kinds) != 1 {
		t.Errorf("runs started: %v, want one (the own token's; the header's finds it busy)", run.kinds)
	}
	// Signing in again makes a new session: the old session's token is
	// no longer good.
	old := tokenOf(victim, "/runs")
	victim.login("adam", "correct horse adam")
	if got := trigger(victim, url.Values{"csrf": {old}}, nil); got != http.StatusForbidden {
		t.Errorf("the previous session's token: %d, want 403", got)
	}
}
