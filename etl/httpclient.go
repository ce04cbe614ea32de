package etl

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// The API sources share how they call their systems: no redirect
// followed, and answers read whole but bounded.

// NoRedirects returns a copy of hc (a client with this timeout when hc is
// nil) that follows no redirect: none of the systems' APIs redirects, and
// a redirect followed would send a token, a signed request or a token
// request's body (a 307 repeats a POST) to another host, or in the clear.
// The redirect is answered as it came, for the caller to refuse.
func NoRedirects(hc *http.Client, timeout time.Duration) *http.Client {
	c := http.Client{Timeout: timeout}
	if hc != nil {
		c = *hc
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// ErrTooLarge is an answer longer than the limit it was read with.
var ErrTooLarge = errors.New("answer too large")

// ReadBounded reads r whole, failing with ErrTooLarge past limit bytes
// rather than cutting the answer short: a page cut at a record's end would
// lose records the cursor then passes.
func ReadBounded(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err == nil && int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: over %d bytes, not read", ErrTooLarge, limit)
	}
	return b, err
}
