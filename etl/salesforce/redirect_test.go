package salesforce_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
)

// TestNoRedirect checks that a 307 from the token endpoint is not
// followed: Go would POST the form, client secret included, again to the
// host the Location names; that host gets no call, and the injected
// client is left as it was.
func TestNoRedirect(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	src, _, _ := setup(t, smallOrg(t))
	src.Settings.LoginURL = redirect.URL
	hc := &http.Client{Timeout: time.Second}
	src.HTTPClient, src.Retries = hc, -1
	dir := t.TempDir()
	_, err := src.Pull(context.Background(), etl.PullEnv{RunID: 1, Landing: filepath.Join(dir, "landing"), Cursors: filepath.Join(dir, "cursors.json")})
	if err == nil || !strings.Contains(err.Error(), "307 a redirect to \""+other.URL) {
		t.Errorf("got %v, want the 307 not followed", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the host redirected to got %d calls, want none", n)
	}
	if hc.CheckRedirect != nil {
		t.Errorf("the injected client was changed")
	}
}
