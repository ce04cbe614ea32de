package stripe_test

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// stripeMockVersion is the stripe-mock the tests build: Stripe's own mock
// of its API (github.com/stripe/stripe-mock), which answers every endpoint
// with the fixtures of Stripe's OpenAPI specification.
const stripeMockVersion = "v0.203.0"

// startStripeMock builds stripe-mock from the module cache (or the module
// proxy), starts it on a free port and returns its address; it stops with
// the test.
func startStripeMock(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	install := exec.Command("go", "install", "github.com/stripe/stripe-mock@"+stripeMockVersion)
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOFLAGS=-mod=mod")
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("build stripe-mock %s: %v\n%s", stripeMockVersion, err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	var logs bytes.Buffer
	cmd := exec.Command(filepath.Join(bin, "stripe-mock"), "-http-port", fmt.Sprint(port))
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/customers", nil)
		req.SetBasicAuth("sk_test_123", "")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not answer on %s:\n%s", base, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return base
}

// proxy stands between the library and stripe-mock: it records the calls
// and can answer some itself, to show paging (stripe-mock's lists have
// one page) and failures.
type proxy struct {
	mu    sync.Mutex
	calls []*url.URL
	// answer, when set, may answer a call itself (true) instead of stripe-mock.
	answer func(w http.ResponseWriter, r *http.Request, n int) bool
	// rewrite, when set, may change stripe-mock's answer.
	rewrite func(r *http.Request, body []byte) []byte
}

func startProxy(t *testing.T, mock string) (*proxy, string) {
	t.Helper()
	target, _ := url.Parse(mock)
	p := &proxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(res *http.Response) error {
		p.mu.Lock()
		rewrite := p.rewrite
		p.mu.Unlock()
		if rewrite == nil {
			return nil
		}
		b, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		b = rewrite(res.Request, b)
		res.Body = io.NopCloser(bytes.NewReader(b))
		res.ContentLength = int64(len(b))
		res.Header.Set("Content-Length", fmt.Sprint(len(b)))
		return nil
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.calls = append(p.calls, r.URL)
		n, answer := len(p.calls), p.answer
		p.mu.Unlock()
		if answer != nil && answer(w, r, n) {
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return p, srv.URL
}

// paths are the calls made since the last reset, as path?query.
func (p *proxy) reset() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, u := range p.calls {
		q, _ := url.QueryUnescape(u.RawQuery)
		out = append(out, u.Path+"?"+q)
	}
	p.calls = nil
	return out
}

func has(calls []string, path string, params ...string) int {
	n := 0
	for _, c := range calls {
		p, q, _ := strings.Cut(c, "?")
		if p != path {
			continue
		}
		ok := true
		for _, want := range params {
			if !strings.Contains("&"+q+"&", "&"+want+"&") {
				ok = false
			}
		}
		if ok {
			n++
		}
	}
	return n
}
