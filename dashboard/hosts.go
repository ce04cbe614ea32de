package dashboard

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// parsePublicURL checks Options.PublicURL: an http or https address of a
// host, with nothing after it.
func parsePublicURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("public URL %q: want http(s)://host[:port] with nothing after it", s)
	}
	return u, nil
}

// checkHost answers 421 Misdirected Request to a request for a host this
// server does not answer for: with a public URL, any other host; in demo
// mode on a loopback address, any host but a loopback one, so a web page
// whose name an attacker points at 127.0.0.1 (DNS rebinding) cannot use
// the demo's admin. /healthz and /readyz answer whatever the host, for
// load balancers and probes that ask by address.
func (s *Server) checkHost(next echo.HandlerFunc) echo.HandlerFunc {
	loopbackOnly := s.demo && Loopback(s.opts.Addr)
	return func(c echo.Context) error {
		if p := c.Request().URL.Path; p == "/healthz" || p == "/readyz" {
			return next(c)
		}
		if !allowedHost(c.Request().Host, s.public, loopbackOnly) {
			want := "localhost"
			if s.public != nil {
				want = s.public.Host
			}
			return echo.NewHTTPError(http.StatusMisdirectedRequest, "this server answers for "+want+" only")
		}
		return next(c)
	}
}

// allowedHost reports whether a request's Host is one the server answers
// for: with public set, its host and port (the scheme's when none is
// given); else with loopbackOnly, localhost or a loopback address with any
// port; else any.
func allowedHost(host string, public *url.URL, loopbackOnly bool) bool {
	if public == nil && !loopbackOnly {
		return true
	}
	name, port, ok := splitHost(host)
	if !ok {
		return false
	}
	if public != nil {
		wantName, wantPort, _ := splitHost(public.Host)
		def := "80"
		if public.Scheme == "https" {
			def = "443"
		}
		if port == "" {
			port = def
		}
		if wantPort == "" {
			wantPort = def
		}
		return name == wantName && port == wantPort
	}
	ip := net.ParseIP(name)
	return name == "localhost" || (ip != nil && ip.IsLoopback())
}

// splitHost splits a Host header into its lower-cased name (an IPv6
// address without its brackets) and its port, "" when it has none; ok is
// false when it is not name[:digits] with IPv6 addresses in brackets.
func splitHost(hostport string) (name, port string, ok bool) {
	name, port, err := net.SplitHostPort(hostport)
	if err != nil {
		name, port = hostport, ""
		if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
			name = name[1 : len(name)-1]
		}
	}
	bracketed := strings.HasPrefix(hostport, "[")
	if name == "" || bracketed != strings.Contains(name, ":") || strings.ContainsAny(name, "[]") || strings.Trim(port, "0123456789") != "" {
		return "", "", false
	}
	return strings.ToLower(name), port, true
}

// secureCookies reports whether cookies set in answer to r are Secure:
// with a public URL, when it is https (TLS may end at a proxy in front);
// otherwise when r came over TLS.
func (s *Server) secureCookies(r *http.Request) bool {
	if s.public != nil {
		return s.public.Scheme == "https"
	}
	return r.TLS != nil
}
