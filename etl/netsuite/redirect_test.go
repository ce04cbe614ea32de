package netsuite_test

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
	"github.com/precedent-dev/precedent/etl/netsuite"
	"github.com/precedent-dev/precedent/etl/netsuite/netsuitefake"
)

// TestNoRedirect checks that a 307 from the REST host is not followed:
// the host it points to gets no call (Go would send it the signed request
// and its body again), and the injected client is left as it was.
func TestNoRedirect(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached.Add(1) }))
	defer other.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	s := settings(t, netsuitefake.New(t))
	s.SuiteTalkURL = redirect.URL
	hc := &http.Client{Timeout: time.Second}
	src := &netsuite.Source{SourceName: "erp", Settings: s, Retries: -1, HTTPClient: hc}
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
