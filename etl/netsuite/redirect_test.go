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

// TestTooLarge checks that an answer over the size limit fails the pull,
// not retried, instead of being cut short: what was cut would be lost, as
// the cursor passes the last record read.
func TestTooLarge(t *testing.T) {
	f := netsuitefake.New(t)
	for _, id := range []string{"7001", "7002", "7003", "7004", "7005"} {
		f.Tables["customer"] = append(f.Tables["customer"], netsuitefake.Row{"id": id, "entityid": "CUST" + id, "companyname": "Company " + id, "lastmodifieddate": "2025-05-01 09:00:00"})
	}
	defer netsuite.SetMaxBody(600)()
	src := &netsuite.Source{SourceName: "erp", Settings: settings(t, f), Retries: 2, Backoff: time.Millisecond}
	dir := t.TempDir()
	env := etl.PullEnv{RunID: 1, Landing: filepath.Join(dir, "landing"), Cursors: filepath.Join(dir, "cursors.json")}
	rep, err := src.Pull(context.Background(), env)
	if err == nil || !strings.Contains(err.Error(), "netsuite/customer: POST /services/rest/query/v1/suiteql: 200 answer too large: over 600 bytes, not read") {
		t.Errorf("got %v, want the customers' page refused as too large", err)
	}
	if got := strings.Join(f.Reset(), " "); got != "deletedrecord@ customer@" {
		t.Errorf("calls %s, want the customers' page once (not retried)", got)
	}
	if len(rep.Objects) != 1 || rep.Objects[0].Rows != 0 || rep.Objects[0].Cursor != "" {
		t.Errorf("pulled %+v, want no customer landed and no cursor", rep.Objects)
	}
}
