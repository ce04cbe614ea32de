package dashboard

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/precedent-dev/precedent/dashboard/auth"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// csp allows scripts and styles only from this server. Inline styles are
// allowed because ECharts positions its tooltips with them; no inline
// script runs anywhere.
const csp = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.IPExtractor = ipExtractor(s.opts.TrustedProxies)
	e.Use(middleware.Recover())
	e.Use(s.metrics.middleware)
	e.Use(s.checkHost)
	e.Use(middleware.SecureWithConfig(middleware.SecureConfig{
		XSSProtection:         "0",
		ContentTypeNosniff:    "nosniff",
		XFrameOptions:         "DENY",
		HSTSMaxAge:            31536000,
		ContentSecurityPolicy: csp,
		ReferrerPolicy:        "same-origin",
	}))
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			return next(c)
		}
	})
	e.Use(middleware.BodyLimit(strconv.FormatInt(s.opts.MaxBody, 10) + "B"))

	e.GET("/assets/*", echo.WrapHandler(assetHandler()))
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	g := e.Group("", s.session, s.csrf)
	g.GET("/login", s.loginPage)
	g.POST("/login", s.login)
	g.POST("/logout", s.logout)

	viewer := g.Group("", s.require(auth.Viewer))
	viewer.GET("/", s.overview)
	viewer.GET("/discounts", s.discounts)
	viewer.GET("/scope", s.scope)
	viewer.GET("/billing", s.billing)
	viewer.GET("/accounts", s.accounts)
	viewer.GET("/accounts/:id", s.account)
	viewer.GET("/exceptions", s.exceptions)
	viewer.GET("/runs", s.runs)
	viewer.GET("/runs/quarantine", s.quarantine)
	viewer.GET("/reports", s.reports)
	viewer.GET("/reports/:week", s.report)
	viewer.GET("/reports/:week/files/:name", s.reportFile)
	viewer.GET("/api/v1/metrics", s.apiMetrics)
	viewer.GET("/api/v1/models", s.apiModels)
	viewer.GET("/api/v1/models/:name", s.apiModel)

	analyst := g.Group("", s.require(auth.Analyst))
	analyst.GET("/sql", s.sqlPage)
	analyst.POST("/sql", s.sqlRun)
	analyst.POST("/sql/export", s.sqlExport)
	analyst.GET("/exceptions.csv", s.exceptionsCSV)
	analyst.GET("/runs/quarantine.csv", s.quarantineCSV)

	admin := g.Group("", s.require(auth.Admin))
	admin.POST("/runs/trigger", s.triggerRun)
	if s.opts.MetricsAddr == "" {
		admin.GET("/metrics", s.metrics.handler)
	}

	// Each group with middleware registers a catch-all not-found route that
	// runs its middleware, and the last one registered wins: without this
	// line an unknown path ran the admin group's role check, so viewers and
	// analysts got 403 "it needs admin" where the answer is 404.
	g.RouteNotFound("/*", echo.NotFoundHandler)
	return e
}

// healthz says the process is up.
func (s *Server) healthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyz says whether a warehouse is open, which generation, and its age.
// Serving an older generation because the published one is damaged is not
// ready: the answer is 503 with the reason, so a monitor raises it.
func (s *Server) readyz(c echo.Context) error {
	g, ok := s.wh.current()
	if damage := s.wh.damaged(); damage != "" {
		body := map[string]any{"ready": false, "reason": damage}
		if ok {
			body["generation"] = g.ID
		}
		return c.JSON(http.StatusServiceUnavailable, body)
	}
	if !ok {
		return c.JSON(http.StatusServiceUnavailable, map[string]any{"ready": false, "reason": wh.ErrNoWarehouse.Error()})
	}
	return c.JSON(http.StatusOK, map[string]any{
		"ready": true, "generation": g.ID, "published_at": g.PublishedAt.UTC().Format(time.RFC3339),
		"age_seconds": int64(time.Since(g.PublishedAt).Seconds()),
	})
}

// errorHandler renders errors as a page for browsers and as JSON for the API.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	code, msg := http.StatusInternalServerError, "something went wrong; the server log has the details"
	var he *echo.HTTPError
	var fe *filterError
	switch {
	case errors.As(err, &fe):
		if isAPI(c) {
			c.JSON(http.StatusBadRequest, map[string]any{"error": fe.Error(), "problems": fe.problems})
			return
		}
		// A download (the register's CSV) answers in text, not with a page
		// a spreadsheet would open as data.
		if strings.HasSuffix(c.Request().URL.Path, ".csv") {
			c.String(http.StatusBadRequest, fe.Error()+"\n")
			return
		}
		if fe.page != "" {
			if err := s.renderFilterError(c, fe); err == nil {
				return
			}
		}
		code, msg = http.StatusBadRequest, fe.Error()
	case errors.As(err, &he):
		code = he.Code
		if m, ok := he.Message.(string); ok {
			msg = m
		} else {
			msg = http.StatusText(code)
		}
	case errors.Is(err, wh.ErrNoWarehouse):
		code, msg = http.StatusServiceUnavailable, "no warehouse has been published yet: run precedent etl"
	case errors.As(err, new(*damagedError)):
		code, msg = http.StatusServiceUnavailable, err.Error()
	case errors.As(err, new(*staleError)):
		code, msg = http.StatusServiceUnavailable, err.Error()
		s.opts.Logger.Warn("request needs a newer warehouse", "path", c.Path(), "err", err)
	default:
		s.opts.Logger.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
	}
	if code == http.StatusForbidden && msg == "invalid csrf token" {
		msg = "the form expired; reload the page and try again"
	}
	if isAPI(c) {
		c.JSON(code, map[string]string{"error": msg})
		return
	}
	s.renderStatus(c, code, msg)
}

func isAPI(c echo.Context) bool {
	p := c.Request().URL.Path
	return len(p) >= 5 && p[:5] == "/api/"
}
