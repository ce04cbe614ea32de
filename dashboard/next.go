package dashboard

import (
	"net/url"
	"strings"
)

// safeNext is where to send someone after they sign in: next rebuilt from
// its parsed path and query when it is a path on this server, else "/".
// It goes into a Location header, so nothing of next that a browser could
// read as another host (//host, /\host, a scheme) or that could break the
// header (control characters) gets through.
func safeNext(next string) string {
	if !localPath(next) {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	out := (&url.URL{Path: u.Path, RawPath: u.RawPath, RawQuery: u.RawQuery}).String()
	if !localPath(out) {
		return "/"
	}
	return out
}

// localPath reports whether s starts with exactly one slash (browsers
// follow //host and /\host to the host) and holds only printable ASCII.
func localPath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}
