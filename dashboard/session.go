package dashboard

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/auth"
)

const sessionKey = "session"

// session attaches the visitor's session: in demo mode everyone is the
// demo admin; otherwise the signed-in user, if any.
func (s *Server) session(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if s.demo {
			c.Set(sessionKey, &auth.Session{User: "demo", Role: auth.Admin})
		} else if ses, ok := s.sessions.Get(c.Request()); ok {
			c.Set(sessionKey, ses)
		}
		return next(c)
	}
}

func sessionOf(c echo.Context) *auth.Session {
	ses, _ := c.Get(sessionKey).(*auth.Session)
	return ses
}

// require lets through sessions whose role includes role; others go to the
// login page (or get 401/403).
func (s *Server) require(role auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			ses := sessionOf(c)
			if ses == nil {
				if isAPI(c) {
					return echo.NewHTTPError(http.StatusUnauthorized, "sign in first")
				}
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.RequestURI()))
			}
			if !ses.Role.Allows(role) {
				return echo.NewHTTPError(http.StatusForbidden, "your role ("+string(ses.Role)+") cannot open this; it needs "+string(role))
			}
			return next(c)
		}
	}
}

type loginView struct {
	Next  string
	User  string
	Error string
}

func (s *Server) loginPage(c echo.Context) error {
	if s.demo {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return s.render(c, http.StatusOK, "login", "Sign in", "", loginView{Next: safeNext(c.QueryParam("next"))})
}

func (s *Server) login(c echo.Context) error {
	if s.demo {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	name, password, next := c.FormValue("username"), c.FormValue("password"), safeNext(c.FormValue("next"))
	var u auth.User
	ok, refused := s.guard.check(c.Request().Context(), c.RealIP(), name, func() bool {
		var ok bool
		u, ok = auth.Authenticate(s.opts.Users, name, password)
		return ok
	})
	if refused != nil {
		c.Response().Header().Set("Retry-After", strconv.Itoa(refused.retryAfter()))
		return echo.NewHTTPError(refused.status, refused.msg)
	}
	if !ok {
		s.opts.Logger.Warn("failed login", "user", name, "ip", c.RealIP())
		return s.render(c, http.StatusUnauthorized, "login", "Sign in", "", loginView{Next: next, User: name, Error: "Wrong user name or password."})
	}
	if old := sessionOf(c); old != nil {
		s.sessions.Delete(old.ID)
	}
	auth.SetCookie(c.Response(), s.sessions.New(u.Name, u.Role), s.secureCookies(c.Request()))
	s.opts.Logger.Info("login", "user", u.Name, "role", u.Role)
	return c.Redirect(http.StatusSeeOther, next)
}

func (s *Server) logout(c echo.Context) error {
	if ses := sessionOf(c); ses != nil && !s.demo {
		s.sessions.Delete(ses.ID)
	}
	auth.ClearCookie(c.Response(), s.secureCookies(c.Request()))
	if s.demo {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return c.Redirect(http.StatusSeeOther, "/login")
}
