package docusign_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/precedent-dev/precedent/etl/docusign/docusignfake"
)

// TestNoRedirects: DocuSign answers a call 307 to another server; the pull
// fails saying so, and the other server receives nothing: not the JWT
// assertion (a followed 307 sends the POST again), not the access token
// (Go keeps Authorization on a redirect to the same host name, whatever
// the port or scheme).
func TestNoRedirects(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	for _, path := range []string{"/oauth/token", "/restapi/v2.1/accounts/" + docusignfake.AccountID + "/envelopes"} {
		t.Run(path, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				mu.Lock()
				got = append(got, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization")+" "+string(body))
				mu.Unlock()
				w.WriteHeader(http.StatusOK)
			}))
			defer other.Close()
			fake := docusignfake.New(t, &key.PublicKey)
			fake.Envelopes = sixEnvelopes()
			fake.Redirect[path] = other.URL
			_, err := pullOnce(t, source(t, fake, keyPEM))
			if err == nil || !strings.Contains(err.Error(), "307 a redirect to \""+other.URL+path+"\", not followed") {
				t.Errorf("got %v, want the 307 not followed", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) > 0 {
				t.Errorf("the other server received %q", got)
			}
		})
	}
}

// TestAnswerTooLarge: an envelopes page larger than MaxAnswer fails the
// pull, saying so, instead of being read cut short; it is not retried, and
// nothing is landed.
func TestAnswerTooLarge(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes = sixEnvelopes()
	src := source(t, fake, keyPEM)
	src.MaxAnswer = 2000 // the token and the user info fit, a page of two envelopes does not
	rep, err := pullOnce(t, src)
	if err == nil || !strings.Contains(err.Error(), "200 OK: the answer is larger than 2000 bytes, more than a pull reads") {
		t.Fatalf("got %v, want the page too large", err)
	}
	if o := rep.Objects[0]; o.Rows != 0 || o.File != "" || o.Cursor != "2025-01-01T00:00:00Z" {
		t.Errorf("pulled %+v, want nothing landed and the cursor where it was", o)
	}
	if n := strings.Count(strings.Join(fake.Reset(), "\n"), "/envelopes?"); n != 1 {
		t.Errorf("%d envelopes calls, want 1", n)
	}
}
