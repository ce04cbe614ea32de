package dashboard

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/dashboard/auth"
)

func TestAllowedHost(t *testing.T) {
	https, _ := url.Parse("https://precedent.example.com")
	withPort, _ := url.Parse("http://precedent.example.com:8080")
	tests := []struct {
		host         string
		public       *url.URL
		loopbackOnly bool
		want         bool
	}{
		{"precedent.example.com", https, false, true},
		{"PRECEDENT.Example.COM", https, false, true},
		{"precedent.example.com:443", https, false, true},
		{"precedent.example.com:8443", https, false, false},
		{"evil.example", https, false, false},
		{"precedent.example.com.evil.example", https, false, false},
		{"localhost", https, true, false},
		{"", https, false, false},
		{"precedent.example.com:8080", withPort, false, true},
		{"precedent.example.com", withPort, false, false},
		{"localhost", nil, true, true},
		{"localhost:8080", nil, true, true},
		{"127.0.0.1:8080", nil, true, true},
		{"127.0.0.1", nil, true, true},
		{"[::1]:8080", nil, true, true},
		{"[::1]", nil, true, true},
		{"evil.example:8080", nil, true, false},
		{"localhost.evil.example", nil, true, false},
		{"127.0.0.1.nip.io", nil, true, false},
		{"0.0.0.0:8080", nil, true, false},
		{"", nil, true, false},
		{"[::1", nil, true, false},
		{"::1", nil, true, false},
		{"localhost:http", nil, true, false},
		{"[localhost]:80", nil, true, false},
		{"evil.example", nil, false, true},
	}
	for _, tt := range tests {
		if got := allowedHost(tt.host, tt.public, tt.loopbackOnly); got != tt.want {
			t.Errorf("allowedHost(%q, %v, %v) = %v, want %v", tt.host, tt.public, tt.loopbackOnly, got, tt.want)
		}
	}
}

// TestCheckHost checks the host check and the Secure flag through HTTP.
func TestCheckHost(t *testing.T) {
	demo, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0"})
	public, _ := newServerWith(t, Options{Data: testData, Addr: "0.0.0.0:0", Users: testUsers, PublicURL: "https://precedent.example.com"})
	plain, _ := newServerWith(t, Options{Data: testData, Addr: "0.0.0.0:0", Users: testUsers, PublicURL: "http://precedent.example.com"})
	open, _ := newServerWith(t, Options{Data: testData, Addr: "0.0.0.0:0", InsecureNoAuth: true})
	tests := []struct {
		name string
		s    *Server
		host string
		path string
		want int
	}{
		{"DemoLoopbackName", demo, "localhost:8080", "/", http.StatusOK},
		{"DemoLoopbackIP", demo, "127.0.0.1:8080", "/", http.StatusOK},
		{"DemoIPv6", demo, "[::1]:8080", "/", http.StatusOK},
		{"DemoRebound", demo, "rebind.evil.example:8080", "/", http.StatusMisdirectedRequest},
		{"DemoReboundAPI", demo, "rebind.evil.example", "/api/v1/metrics", http.StatusMisdirectedRequest},
		{"DemoReboundPost", demo, "rebind.evil.example", "/runs/trigger", http.StatusMisdirectedRequest},
		{"DemoHealth", demo, "10.0.0.5:8080", "/healthz", http.StatusOK},
		{"PublicHost", public, "precedent.example.com", "/login", http.StatusOK},
		{"PublicOtherHost", public, "10.0.0.5:8080", "/login", http.StatusMisdirectedRequest},
		{"PublicReady", public, "10.0.0.5:8080", "/readyz", http.StatusOK},
		{"InsecureNoAuthAnyHost", open, "dashboard.internal", "/", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPeer(t, tt.s, "127.0.0.1:4000", "")
			p.host = tt.host
			method := http.MethodGet
			if tt.path == "/runs/trigger" {
				method = http.MethodPost
			}
			if w := p.do(method, tt.path, nil); w.Code != tt.want {
				t.Errorf("%s %s for %s = %d, want %d", method, tt.path, tt.host, w.Code, tt.want)
			}
		})
	}
	// Behind a proxy that ends TLS the request is plain HTTP; the public
	// URL decides the Secure flag.
	for _, tt := range []struct {
		name   string
		s      *Server
		secure bool
	}{{"HTTPS", public, true}, {"HTTP", plain, false}} {
		t.Run("Secure"+tt.name, func(t *testing.T) {
			p := newPeer(t, tt.s, "127.0.0.1:4000", "")
			p.host = "precedent.example.com"
			if code, _ := p.login("vera", "correct horse vera"); code != http.StatusSeeOther {
				t.Fatalf("login: %d", code)
			}
			for _, name := range []string{auth.CookieName, "precedent_csrf"} {
				c, ok := p.cookies[name]
				if !ok {
					t.Fatalf("no %s cookie", name)
				}
				if c.Secure != tt.secure {
					t.Errorf("%s cookie Secure = %v, want %v", name, c.Secure, tt.secure)
				}
			}
		})
	}
}

// FuzzAllowedHost checks that allowedHost never panics and lets through
// only the public URL's host, or in loopback mode only localhost and
// loopback addresses.
func FuzzAllowedHost(f *testing.F) {
	for _, s := range []string{"localhost:8080", "127.0.0.1", "[::1]:80", "precedent.example.com", "PRECEDENT.example.com:443", "evil.example", "localhost.evil.example", "[::ffff:127.0.0.1]:1", "127.1", "", "[", ":", "[::1", "localhost:"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	public, _ := url.Parse("https://precedent.example.com")
	publicRe := regexp.MustCompile(`^(?i)precedent\.example\.com(:443|:)?$`)
	loopbackRe := regexp.MustCompile(`^(?i)(localhost|[0-9.]+|\[([0-9a-f:.]+)\])(:\d*)?$`)
	f.Fuzz(func(t *testing.T, host string, usePublic bool) {
		if usePublic {
			if allowedHost(host, public, true) && !publicRe.MatchString(host) {
				t.Errorf("public URL %s lets in Host %q", public, host)
			}
			return
		}
		if allowedHost(host, nil, true) {
			m := loopbackRe.FindStringSubmatch(host)
			if m == nil {
				t.Fatalf("loopback mode lets in Host %q", host)
			}
			name := m[1]
			if m[2] != "" {
				name = m[2]
			}
			if ip := net.ParseIP(name); !strings.EqualFold(name, "localhost") && (ip == nil || !ip.IsLoopback()) {
				t.Errorf("loopback mode lets in Host %q", host)
			}
		}
		if !allowedHost(host, nil, false) {
			t.Errorf("without a public URL or loopback mode Host %q is refused", host)
		}
	})
}
