package dashboard

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdown stops the server while a slow query runs: the
// request finishes, then Run returns and the warehouse is closed.
func TestGracefulShutdown(t *testing.T) {
	s, base, cancel, done := runServer(t)
	slow := make(chan string, 1)
	// The CSRF token first, so that only the slow POST is left when the
	// server is told to stop, however loaded the machine is.
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar}}
	_, page, _ := c.get("/sql")
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on /sql")
	}
	go func() {
		code, body, _ := c.post("/sql", "", url.Values{"query": {"SELECT sum(range) AS s FROM range(300000000)"}, "csrf": {m[1]}})
		if code != http.StatusOK {
			slow <- "failed: " + body
			return
		}
		slow <- body
	}()
	time.Sleep(300 * time.Millisecond)
	cancel()
	select {
	case body := <-slow:
		if !strings.Contains(body, `<td class="num">`) {
			t.Errorf("the in-flight query did not finish: %.300s", body)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the in-flight request never finished")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := s.wh.acquire(); err == nil {
		t.Errorf("the warehouse is still open after shutdown")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("the server still answers after shutdown")
	}
}

// runServer starts Run on the test warehouse on a loopback port and waits
// until it is ready. cancel stops it; done has what Run returned.
func runServer(t *testing.T) (s *Server, base string, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	return runServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0"})
}

// runServerWith is runServer with the options given.
func runServerWith(t *testing.T, opts Options) (s *Server, base string, cancel context.CancelFunc, done <-chan error) {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- s.Run(ctx, ln) }()
	base = "http://" + ln.Addr().String()
	for i := 0; i < 100; i++ {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return s, base, cancel, result
}
