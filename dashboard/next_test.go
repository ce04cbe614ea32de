package dashboard

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

var safeNextTests = []struct{ next, want string }{
	{"/", "/"},
	{"/discounts?segment=smb&from=FY2025-Q1", "/discounts?segment=smb&from=FY2025-Q1"},
	{"/accounts?q=caf%C3%A9", "/accounts?q=caf%C3%A9"},
	{"/%09/evil.example", "/%09/evil.example"},
	{"/%2F/evil.example", "/%2F/evil.example"},
	{"/%5C/evil.example", "/%5C/evil.example"},
	{"", "/"},
	{"discounts", "/"},
	{"//evil.example", "/"},
	{"/\\evil.example", "/"},
	{"\\/evil.example", "/"},
	{"https://evil.example/", "/"},
	{"javascript:alert(1)", "/"},
	{"/\t/evil.example", "/"},
	{"/\r\nSet-Cookie: x=1", "/"},
	{"/a b", "/"},
	{"/caf\u00e9", "/"},
	{"/\x00", "/"},
}

func TestSafeNext(t *testing.T) {
	for _, tt := range safeNextTests {
		if got := safeNext(tt.next); got != tt.want {
			t.Errorf("safeNext(%q) = %q, want %q", tt.next, got, tt.want)
		}
	}
	// Through the login form: a next whose form value decodes to a tab
	// sends the browser home, and the Location header has no raw tab.
	s, _ := newServerWith(t, Options{Data: testData, Addr: "127.0.0.1:0", Users: testUsers})
	p := newPeer(t, s, "198.51.100.7:4000", "")
	body := p.do("GET", "/login?next=%2F%09%2Fevil.example", nil).Body.String()
	if strings.Contains(body, "evil.example") {
		t.Errorf("the login page keeps a next of /<tab>/evil.example")
	}
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no CSRF token on /login")
	}
	w := p.do("POST", "/login", url.Values{"csrf": {m[1]}, "username": {"vera"}, "password": {"correct horse vera"}, "next": {"/\t/evil.example"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Errorf("login with next=/<tab>/evil.example: %d to %q, want 303 to /", w.Code, w.Header().Get("Location"))
	}
}

// FuzzSafeNext checks that whatever next is, the redirect stays on this
// server: a path with one leading slash, printable ASCII only, that a URL
// parser (and a browser, which reads \ as /) resolves to this host.
func FuzzSafeNext(f *testing.F) {
	for _, tt := range safeNextTests {
		f.Add(tt.next)
	}
	base, _ := url.Parse("https://precedent.example.com/login")
	f.Fuzz(func(t *testing.T, next string) {
		got := safeNext(next)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(strings.ReplaceAll(got, "\\", "/"), "//") {
			t.Fatalf("safeNext(%q) = %q: not a local absolute path", next, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x21 || got[i] > 0x7e {
				t.Fatalf("safeNext(%q) = %q: byte %#x", next, got, got[i])
			}
		}
		u, err := url.Parse(got)
		if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
			t.Fatalf("safeNext(%q) = %q: parses to %#v (%v)", next, got, u, err)
		}
		if r := base.ResolveReference(u); r.Scheme != base.Scheme || r.Host != base.Host {
			t.Fatalf("safeNext(%q) = %q: resolves to %s", next, got, r)
		}
		if again := safeNext(got); again != got {
			t.Fatalf("safeNext(%q) = %q, but safeNext of that = %q", next, got, again)
		}
	})
}
