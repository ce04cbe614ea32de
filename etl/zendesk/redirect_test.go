package zendesk_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/zendesk"
	"github.com/precedent-dev/precedent/etl/zendesk/zendeskfake"
)

// TestRedirectNotFollowed checks that an account answering with a
// redirect to another server fails the pull, naming it, and that the other
// server never receives the API token (Go would copy the Authorization
// header to it, and re-send it in the clear to an http address).
func TestRedirectNotFollowed(t *testing.T) {
	var reached atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if r.Header.Get("Authorization") != "" {
			t.Errorf("the redirect's target got the credentials")
		}
	}))
	defer other.Close()
	account := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer account.Close()
	t.Setenv("TEST_ZENDESK_TOKEN", zendeskfake.Token)
	src := &zendesk.Source{SourceName: "support", Settings: zendesk.Settings{BaseURL: account.URL, Email: zendeskfake.Email, TokenEnv: "TEST_ZENDESK_TOKEN"}, Retries: -1}
	dir := t.TempDir()
	env := etl.PullEnv{RunID: 1, Landing: filepath.Join(dir, "landing", "support"), Cursors: filepath.Join(dir, "cursors", "support.json")}
	if err := os.MkdirAll(env.Landing, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := src.Pull(context.Background(), env)
	if err == nil || !strings.Contains(err.Error(), "307 redirect") {
		t.Fatalf("pull: %v, want the 307 redirect not followed", err)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect was followed %d times", n)
	}
}
