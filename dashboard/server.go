// Package dashboard is Precedent's web server: echo handlers that read the
// published warehouse's marts through the SQL sandbox and render pages with
// html/template and charts with go-echarts, plus a JSON API, health checks
// and Prometheus metrics. It never writes the warehouse.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/auth"
	"github.com/precedent-dev/precedent/dashboard/namedsql"
	"github.com/precedent-dev/precedent/etl/runlog"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// Options configure the server.
type Options struct {
	Data           wh.Dir
	DuckDB         wh.Settings
	Addr           string
	TLSCert        string
	TLSKey         string
	Users          []auth.User
	InsecureNoAuth bool          // serve without users on a non-loopback address
	QueryTimeout   time.Duration // analysts' queries and page queries
	RowCap         int           // rows an analyst's query returns at most
	ResultBytes    int64         // bytes an answer shown on a page or by the API holds at most (default 32 MB)
	ExportBytes    int64         // bytes a download holds at most (default 256 MB)
	APICacheBytes  int64         // bytes the API's answer cache holds at most (default 64 MB)
	AuditLog       string        // where SQL page statements are logged (default <data>/audit/sql.jsonl)
	Refresh        time.Duration // how often to look for a newly published warehouse
	Runs           Runs          // triggers runs from the Runs page; nil hides the buttons
	Logger         *slog.Logger

	// Who the client is, which host is served, how long sessions last,
	// where /metrics is and how large a request may be.
	TrustedProxies  []*net.IPNet  // peers whose X-Forwarded-For names the client; none: the peer is the client
	PublicURL       string        // https://host the server is reached at: other hosts get 421, cookies are Secure if https
	SessionLifetime time.Duration // a session this old ends however active (default 24h; one unused for 12h ends sooner)
	MetricsAddr     string        // where /metrics is served to anyone, and not on Addr (empty: on Addr, for admins)
	MaxBody         int64         // bytes a request's body holds at most, else 413 (default 2 MiB)

	// The http.Server's timeouts: for a request's header (default 10s),
	// for the whole request (60s), for the answer (120s; longer than
	// QueryTimeout, or slow queries and exports are cut off), and for an
	// idle kept-alive connection (120s).
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
}

// Runs starts runs on demand (the Runs page's buttons, for admins).
// Trigger returns an error wrapping ErrBusy when a run of the kind is
// already going.
type Runs interface {
	Trigger(ctx context.Context, kind string) error
}

// ErrBusy means a run of the kind asked for is already going.
var ErrBusy = errors.New("a run of this kind is already going")

// Server is the dashboard.
type Server struct {
	opts     Options
	echo     *echo.Echo
	wh       *warehouse
	runlog   *runlog.Log
	sessions *auth.Sessions
	pages    map[string]*template.Template
	queries  namedsql.Set
	metrics  *metrics
	guard    *loginGuard // failed logins and the password comparisons under way
	demo     bool        // no users: every visitor is an admin, on loopback only
	public   *url.URL    // Options.PublicURL, nil if none
	csrfKey  []byte      // signs CSRF tokens; new at each start, like the sessions

	// Caches, each for the generation in use.
	cache      genCache[*wh.Rows]      // query results, under each query's Key
	apiAnswers genCache[[]byte]        // JSON answers of the model API
	audit      *auditLog               // statements run from the SQL page
	options    genCache[filterOptions] // the filter bar's choices
	filterBars genCache[template.HTML] // rendered filter bars (view.FilterBar)
	pageData   genCache[any]           // built pages (memoPage)
	bodies     genCache[template.HTML] // rendered page contents (renderCached)
	lastETL    lastETL                 // the run log's last ETL, per change of the file
}

// ErrNoUsers is returned when the server would be open to a network with
// nobody to log in as.
var ErrNoUsers = errors.New("no users are configured")

// New checks the options and builds the server.
func New(opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.QueryTimeout == 0 {
		opts.QueryTimeout = 30 * time.Second
	}
	if opts.RowCap == 0 {
		opts.RowCap = 10000
	}
	if opts.Refresh == 0 {
		opts.Refresh = time.Second
	}
	if opts.ResultBytes == 0 {
		opts.ResultBytes = 32 << 20
	}
	if opts.ExportBytes == 0 {
		opts.ExportBytes = 256 << 20
	}
	if opts.APICacheBytes == 0 {
		opts.APICacheBytes = 64 << 20
	}
	if opts.ReadHeaderTimeout == 0 {
		opts.ReadHeaderTimeout = 10 * time.Second
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = time.Minute
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = 2 * time.Minute
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = 2 * time.Minute
	}
	if opts.MaxBody == 0 {
		opts.MaxBody = 2 << 20
	}
	if opts.SessionLifetime == 0 {
		opts.SessionLifetime = 24 * time.Hour
	}
	if opts.AuditLog == "" {
		opts.AuditLog = opts.Data.Audit()
	}
	s := &Server{
		opts:     opts,
		runlog:   runlog.Open(opts.Data.RunLog()),
		sessions: auth.NewSessions(12*time.Hour, opts.SessionLifetime),
		demo:     len(opts.Users) == 0,
		csrfKey:  randomKey(),
	}
	if s.demo && !opts.InsecureNoAuth && !Loopback(opts.Addr) {
		return nil, fmt.Errorf("refusing to listen on %s: %w; add one with `precedent user add NAME --role admin`, listen on 127.0.0.1, or pass --insecure-no-auth", opts.Addr, ErrNoUsers)
	}
	var err error
	if opts.PublicURL != "" {
		if s.public, err = parsePublicURL(opts.PublicURL); err != nil {
			return nil, err
		}
	}
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if s.queries, err = namedsql.Load(sqlFiles, "sql"); err != nil {
		return nil, err
	}
	s.filterBars.max = cacheEntries
	s.cache.max, s.apiAnswers.max, s.options.max = cacheEntries, cacheEntries, 1
	s.apiAnswers.maxBytes, s.apiAnswers.size = opts.APICacheBytes, func(b []byte) int64 { return int64(len(b)) }
	// A page's charts at scale 10 are up to 350 kB.
	s.pageData.max = 100
	s.bodies.max = 200
	s.metrics = newMetrics(s)
	s.guard = newLoginGuard()
	s.audit = &auditLog{path: opts.AuditLog, logger: opts.Logger}
	s.wh = &warehouse{dir: opts.Data, settings: opts.DuckDB, logger: opts.Logger, queryTimeout: opts.QueryTimeout}
	s.echo = s.routes()
	return s, nil
}

// Loopback reports whether addr listens only on this machine.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Handler is the server's HTTP handler, for tests.
func (s *Server) Handler() http.Handler { return s.echo }

// Open opens the published warehouse, if there is one yet.
func (s *Server) Open(ctx context.Context) error { return s.wh.refresh(ctx) }
