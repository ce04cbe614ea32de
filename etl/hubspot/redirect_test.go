package hubspot_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl/hubspot/hubspotfake"
)

// TestRedirectNotFollowed checks that an answer redirecting a list or a
// search call to another server fails the pull, naming it, and that the
// other server never receives the token or the search's body (Go would
// copy the Authorization header to it, and re-send both in the clear to
// an http address), with the default client or one given (which is left
// as it was).
func TestRedirectNotFollowed(t *testing.T) {
	for _, tt := range []struct {
		name, method string
		client       *http.Client
	}{
		{"List", http.MethodGet, nil},
		{"Search", http.MethodPost, &http.Client{Timeout: 10 * time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var reached atomic.Int32
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				reached.Add(1)
				body, _ := io.ReadAll(r.Body)
				if strings.Contains(r.Header.Get("Authorization"), hubspotfake.Token) || len(body) > 0 {
					t.Errorf("the redirect's target got the token or the body")
				}
			}))
			defer other.Close()
			fake := hubspotfake.New(t)
			fake.Put("companies", firm("1", t0))
			account := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == tt.method {
					http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
					return
				}
				fake.ServeHTTP(w, r)
			}))
			defer account.Close()
			p := puller(t, fake)
			p.src.Settings.APIURL = account.URL
			p.src.HTTPClient = tt.client
			_, err := p.pull(1)
			if err == nil || !strings.Contains(err.Error(), "307 redirect to "+other.URL) {
				t.Fatalf("pull: %v, want the 307 redirect not followed", err)
			}
			if n := reached.Load(); n != 0 {
				t.Errorf("the redirect was followed %d times", n)
			}
			if tt.client != nil && tt.client.CheckRedirect != nil {
				t.Errorf("the client given was changed")
			}
		})
	}
}
