package dashboard

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
)

// csrfCookie holds a visitor's random id until they sign in; the CSRF
// token of someone without a session is bound to it.
const csrfCookie = "precedent_csrf"

// csrfContextKey is where csrf leaves the token for the page's forms.
const csrfContextKey = "csrf"

// errCSRF is what a request without the right token gets; errorHandler
// tells people to reload the form.
var errCSRF = echo.NewHTTPError(http.StatusForbidden, "invalid csrf token")

// csrf requires a token on every request that is not GET, HEAD, OPTIONS or
// TRACE, in the form field csrf or the header X-CSRF-Token. The token is
// an HMAC, under a key made at start-up, of the signed-in session's id,
// or for visitors without one (the login form, demo mode) of the id in
// their csrfCookie. So a token works only for the session it was issued
// to: a cookie and field pair copied from another browser fails, unlike
// a double-submit cookie. Requests a browser marks cross-site are refused
// whatever they carry. It runs after session.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		token := s.csrfToken(c)
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		default:
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
				return errCSRF
			}
			if err := r.ParseForm(); err != nil {
				var he *echo.HTTPError // such as 413 from the body limit
				if errors.As(err, &he) {
					return he
				}
				return echo.NewHTTPError(http.StatusBadRequest, "the form could not be read")
			}
			got := r.PostForm.Get("csrf")
			if got == "" {
				got = r.Header.Get("X-CSRF-Token")
			}
			if !hmac.Equal([]byte(got), []byte(token)) {
				return errCSRF
			}
		}
		c.Set(csrfContextKey, token)
		c.Response().Header().Add(echo.HeaderVary, echo.HeaderCookie)
		return next(c)
	}
}

// csrfToken is the token of the request's session, or of its csrfCookie,
// setting one if it has none.
func (s *Server) csrfToken(c echo.Context) string {
	binding := ""
	if ses := sessionOf(c); ses != nil && ses.ID != "" {
		binding = "session\x00" + ses.ID
	} else {
		id := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 && len(ck.Value) <= 64 {
			id = ck.Value
		} else {
			id = randomID()
			c.SetCookie(&http.Cookie{
				Name: csrfCookie, Value: id, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Secure: s.secureCookies(c.Request()),
			})
		}
		binding = "visitor\x00" + id
	}
	mac := hmac.New(sha256.New, s.csrfKey)
	mac.Write([]byte(binding))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// randomID is 32 random bytes, base64url-encoded.
func randomID() string {
	return base64.RawURLEncoding.EncodeToString(randomKey())
}

// randomKey is 32 random bytes.
func randomKey() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand: " + err.Error())
	}
	return b
}
