package dashboard

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAdminOnly checks that /metrics on the dashboard's address is
// for admins only.
func TestMetricsAdminOnly(t *testing.T) {
	s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers})
	tests := []struct {
		user string
		want int
	}{{"", http.StatusSeeOther}, {"vera", http.StatusForbidden}, {"ana", http.StatusForbidden}, {"adam", http.StatusOK}}
	for _, tt := range tests {
		t.Run("As"+tt.user, func(t *testing.T) {
			p := newPeer(t, s, "198.51.100.7:4000", "")
			if tt.user != "" {
				if code, _ := p.login(tt.user, "correct horse "+tt.user); code != http.StatusSeeOther {
					t.Fatalf("login: %d", code)
				}
			}
			w := p.do("GET", "/metrics", nil)
			if w.Code != tt.want {
				t.Fatalf("GET /metrics as %q = %d, want %d", tt.user, w.Code, tt.want)
			}
			if tt.want == http.StatusOK && !strings.Contains(w.Body.String(), "precedent_http_request_duration_seconds") {
				t.Errorf("/metrics lacks the request latency")
			}
		})
	}
}

// TestMetricsAddr checks that with MetricsAddr set /metrics is served
// there, to anyone who reaches it, and not on the dashboard's address.
func TestMetricsAddr(t *testing.T) {
	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	_, base, cancel, done := runServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", MetricsAddr: addr})
	defer func() { cancel(); <-done }()
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// The demo's visitors are admins, and still get no /metrics here.
	if code, _ := get(base + "/metrics"); code != http.StatusNotFound {
		t.Errorf("GET /metrics on the dashboard = %d, want 404", code)
	}
	// Its listener was open before the dashboard answered /readyz.
	code, body := get("http://" + addr + "/metrics")
	if code != http.StatusOK || !strings.Contains(body, "precedent_warehouse_generation") {
		t.Errorf("GET /metrics on %s = %d, want 200 with the metrics", addr, code)
	}
	if code, _ := get("http://" + addr + "/"); code != http.StatusNotFound {
		t.Errorf("GET / on the metrics address = %d, want 404", code)
	}
}
