// Package config reads Precedent's one configuration file (YAML), fills in
// defaults, validates it with messages that name the setting, and writes it
// back (for `precedent user add`). The program's packages get plain option
// structs from it; none of them knows the file exists.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/cmd/precedent/schedule"
	"github.com/precedent-dev/precedent/dashboard/auth"
	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/queries"
)

// DefaultPath is where the configuration is read from when no --config
// flag or PRECEDENT_CONFIG names a file.
const DefaultPath = "precedent.yaml"

// Config is the whole configuration file.
type Config struct {
	Data         string `yaml:"data"`          // the data directory
	Source       string `yaml:"source"`        // the source directory the ETL reads by default
	AsOf         string `yaml:"as_of"`         // YYYY-MM-DD; empty means today
	BaseCurrency string `yaml:"base_currency"` // ISO 4217
	ModelsDir    string `yaml:"models_dir"`    // analysts' own SQL models; default <data>/models

	FiscalYearStartMonth int                `yaml:"fiscal_year_start_month"`
	LateQuarterDays      int                `yaml:"late_quarter_days"`
	DiscountPolicyMax    map[string]float64 `yaml:"discount_policy_max"`
	VaguePhrases         []string           `yaml:"vague_phrases"`
	RiskWeights          map[string]float64 `yaml:"risk_weights"`
	RiskTiers            RiskTiers          `yaml:"risk_tiers"`

	ETL       ETL         `yaml:"etl"`
	DuckDB    DuckDB      `yaml:"duckdb"`
	Serve     Serve       `yaml:"server"`
	Users     []auth.User `yaml:"users"`
	Schedules Schedules   `yaml:"schedules"`
	SMTP      SMTP        `yaml:"smtp"`
	Report    Report      `yaml:"report"`

	// Vendors configures reading exports of Salesforce, DocuSign, NetSuite,
	// HubSpot, Stripe and Zendesk (docs/vendors.md). Maps given in the file
	// add to the defaults; lists replace them.
	Vendors adapters.Config `yaml:"vendors"`

	// Sources are the sources that are no folder, pulled at the start of
	// every ETL run into data/landing/<name>/ and loaded with the source
	// folder (docs/sources.md).
	Sources []Source `yaml:"sources,omitempty"`

	path string
}

// ETL bounds what a load accepts.
type ETL struct {
	// MaxTextLength is the most characters one value may have; longer
	// values, and values holding a NUL byte, are quarantined.
	MaxTextLength int `yaml:"max_text_length"`
}

// Serve configures the dashboard server.
type Serve struct {
	Addr         string        `yaml:"addr"`          // listen address
	QueryTimeout time.Duration `yaml:"query_timeout"` // statement timeout of page and analyst queries
	RowCap       int           `yaml:"row_cap"`       // rows an analyst's query or export returns at most
	ResultMaxMB  int64         `yaml:"result_max_mb"` // size of an answer shown on a page or by the API
	ExportMaxMB  int64         `yaml:"export_max_mb"` // size of a download (CSV, Parquet)
	APICacheMB   int64         `yaml:"api_cache_mb"`  // memory the API's answer cache holds at most
	AuditLog     string        `yaml:"audit_log"`     // the SQL page's statements, one JSON line each; empty = <data>/audit/sql.jsonl

	// TrustedProxies are the CIDR ranges of reverse proxies whose
	// X-Forwarded-For names the client; empty: the socket's peer is.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// PublicURL is the address people reach the dashboard at, such as
	// https://precedent.example.com: requests for other hosts get 421, and
	// cookies are Secure when it is https (TLS may end at a proxy).
	PublicURL string `yaml:"public_url"`
	// SessionLifetime ends a session this long after sign-in however
	// active it is (one unused for 12 hours ends sooner).
	SessionLifetime time.Duration `yaml:"session_lifetime"`
	// MetricsAddr is a host:port where /metrics is served to anyone who
	// can reach it, and then not on addr; empty: on addr, for admins.
	MetricsAddr string `yaml:"metrics_addr"`

	// The HTTP server's timeouts: to read a request's header, to read the
	// whole request, to write the answer (more than query_timeout, or slow
	// queries and exports are cut off), and for an idle connection.
	ReadHeaderTimeout time.Duration `yaml:"read_header_timeout"`
	ReadTimeout       time.Duration `yaml:"read_timeout"`
	WriteTimeout      time.Duration `yaml:"write_timeout"`
	IdleTimeout       time.Duration `yaml:"idle_timeout"`
	// MaxBody is the largest request body, such as 2MiB (KB = 1000 bytes,
	// KiB = 1024); larger ones get 413.
	MaxBody string `yaml:"max_body"`
}

var sizeRe = regexp.MustCompile(`^(\d+)\s*(B|KB|MB|GB|KiB|MiB|GiB)$`)

var sizeUnits = map[string]int64{"B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}

// MaxBodyBytes parses max_body.
func (s Serve) MaxBodyBytes() (int64, error) {
	m := sizeRe.FindStringSubmatch(s.MaxBody)
	if m == nil {
		return 0, fmt.Errorf("server.max_body: %q is not a size such as 2MiB", s.MaxBody)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/sizeUnits[m[2]] {
		return 0, fmt.Errorf("server.max_body: %q is not a size between 1B and 1TiB", s.MaxBody)
	}
	return n * sizeUnits[m[2]], nil
}

// TrustedProxyNets parses trusted_proxies.
func (s Serve) TrustedProxyNets() ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, c := range s.TrustedProxies {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			return nil, fmt.Errorf("server.trusted_proxies: %q is not a CIDR range such as 10.0.0.0/8 or 192.0.2.10/32", c)
		}
		out = append(out, n)
	}
	return out, nil
}

// Schedules are the recurring runs precedent serve makes.
type Schedules struct {
	Enabled bool     `yaml:"enabled"`
	ETL     Schedule `yaml:"etl"`
	Report  Schedule `yaml:"report"`
}

// Schedule is one recurring run.
type Schedule struct {
	Cron      string        `yaml:"cron"`       // five fields: minute hour day month weekday
	TimeZone  string        `yaml:"timezone"`   // IANA name
	RunMissed bool          `yaml:"run_missed"` // run once at start-up if the last scheduled time passed while down
	Retries   int           `yaml:"retries"`    // attempts after a failed one
	Backoff   time.Duration `yaml:"backoff"`    // wait before the first retry, doubled each time
}

// SMTP is how the weekly report is mailed.
type SMTP struct {
	Host        string `yaml:"host"` // empty: reports are archived, not mailed
	Port        int    `yaml:"port"`
	TLS         string `yaml:"tls"` // starttls, implicit or none
	Username    string `yaml:"username"`
	Password    string `yaml:"password"`
	PasswordEnv string `yaml:"password_env"` // or the name of an environment variable holding it
	From        string `yaml:"from"`
}

// Report configures the weekly report.
type Report struct {
	Recipients []string `yaml:"recipients"`
	BaseURL    string   `yaml:"base_url"` // the dashboard's address, for the link in the mail
}

// RiskTiers are the risk_score thresholds of the medium and high tiers.
type RiskTiers struct {
	Medium float64 `yaml:"medium"`
	High   float64 `yaml:"high"`
}

// DuckDB bounds what DuckDB may use during ETL runs and queries.
type DuckDB struct {
	Threads       int    `yaml:"threads"`        // 0 = all cores
	MemoryLimit   string `yaml:"memory_limit"`   // e.g. 2GB
	TempDirectory string `yaml:"temp_directory"` // where DuckDB spills past memory_limit; empty = next to the database
	ModelBuilds   int    `yaml:"model_builds"`   // models an ETL run builds at once; 0 = 2
}

// Default returns the configuration used when no file sets anything.
func Default() Config {
	m := queries.DefaultSettings()
	return Config{
		Data:                 "data",
		Source:               "data/demo",
		BaseCurrency:         m.BaseCurrency,
		FiscalYearStartMonth: m.FiscalYearStartMonth,
		LateQuarterDays:      m.LateQuarterDays,
		DiscountPolicyMax:    m.PolicyMax,
		VaguePhrases:         m.VaguePhrases,
		RiskWeights:          m.RiskWeights,
		RiskTiers:            RiskTiers{Medium: m.RiskTierMedium, High: m.RiskTierHigh},
		ETL:                  ETL{MaxTextLength: etl.DefaultMaxTextLength},
		DuckDB:               DuckDB{MemoryLimit: "2GB"},
		Serve: Serve{Addr: "127.0.0.1:8080", QueryTimeout: 30 * time.Second, RowCap: 100000, ResultMaxMB: 32, ExportMaxMB: 256, APICacheMB: 64,
			SessionLifetime: 24 * time.Hour, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute,
			IdleTimeout: 2 * time.Minute, MaxBody: "2MiB"},
		Schedules: Schedules{
			Enabled: true,
			ETL:     Schedule{Cron: "0 2 * * *", TimeZone: "UTC", RunMissed: true, Retries: 3, Backoff: 5 * time.Minute},
			Report:  Schedule{Cron: "0 7 * * 1", TimeZone: "UTC", RunMissed: true, Retries: 3, Backoff: 10 * time.Minute},
		},
		SMTP:    SMTP{Port: 587, TLS: "starttls"},
		Vendors: adapters.DefaultConfig(),
	}
}

// ModelSettings are the settings the SQL models are built with.
func (c Config) ModelSettings(now time.Time) queries.Settings {
	return queries.Settings{
		AsOf:                 c.AsOfDate(now),
		BaseCurrency:         c.BaseCurrency,
		FiscalYearStartMonth: c.FiscalYearStartMonth,
		LateQuarterDays:      c.LateQuarterDays,
		PolicyMax:            c.DiscountPolicyMax,
		VaguePhrases:         c.VaguePhrases,
		RiskWeights:          c.RiskWeights,
		RiskTierMedium:       c.RiskTiers.Medium,
		RiskTierHigh:         c.RiskTiers.High,
	}
}

// Load reads the file at path over the defaults. A missing file is not an
// error when the path was not asked for explicitly.
func Load(path string, explicit bool) (Config, error) {
	c := Default()
	c.path = path
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return c, c.Validate()
	}
	if err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if b, err = renameServe(b); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// renameServe reads a file's serve: section, the server section's name in
// earlier versions, as server:.
func renameServe(b []byte) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return b, nil // the strict decoder reports what is wrong
	}
	m := doc.Content[0]
	var serve, server *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "server":
			server = m.Content[i]
		case "serve":
			serve = m.Content[i]
		}
	}
	switch {
	case serve == nil:
		return b, nil
	case server != nil:
		return nil, errors.New("server: and serve: are the same section (serve: is its earlier name): keep one")
	}
	serve.Value = "server"
	return yaml.Marshal(&doc)
}

// Path is the file the configuration was read from (or will be written to).
func (c Config) Path() string { return c.path }

var (
	currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)
	memoryRe   = regexp.MustCompile(`^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)
)

// Validate checks every setting, naming the setting that is wrong.
func (c Config) Validate() error {
	var errs []error
	if c.Data == "" {
		errs = append(errs, errors.New("data: must name the data directory"))
	}
	if c.AsOf != "" {
		if _, err := time.Parse(time.DateOnly, c.AsOf); err != nil {
			errs = append(errs, fmt.Errorf("as_of: %q is not a date (YYYY-MM-DD)", c.AsOf))
		}
	}
	if !currencyRe.MatchString(c.BaseCurrency) {
		errs = append(errs, fmt.Errorf("base_currency: %q is not an ISO 4217 code such as USD", c.BaseCurrency))
	}
	if c.ETL.MaxTextLength <= 0 {
		errs = append(errs, fmt.Errorf("etl.max_text_length: %d is not a positive number of characters", c.ETL.MaxTextLength))
	}
	if c.DuckDB.Threads < 0 {
		errs = append(errs, errors.New("duckdb.threads: must be 0 (all cores) or more"))
	}
	if c.DuckDB.ModelBuilds < 0 {
		errs = append(errs, errors.New("duckdb.model_builds: must be 0 (the default, 2) or more"))
	}
	if c.DuckDB.MemoryLimit != "" && !memoryRe.MatchString(c.DuckDB.MemoryLimit) {
		errs = append(errs, fmt.Errorf("duckdb.memory_limit: %q is not a size such as 2GB", c.DuckDB.MemoryLimit))
	}
	if _, _, err := net.SplitHostPort(c.Serve.Addr); err != nil {
		errs = append(errs, fmt.Errorf("server.addr: %q is not host:port", c.Serve.Addr))
	}
	if c.Serve.QueryTimeout <= 0 || c.Serve.RowCap <= 0 {
		errs = append(errs, errors.New("server.query_timeout and server.row_cap: must be positive"))
	}
	if c.Serve.ResultMaxMB <= 0 || c.Serve.ExportMaxMB <= 0 || c.Serve.APICacheMB <= 0 {
		errs = append(errs, errors.New("server.result_max_mb, server.export_max_mb and server.api_cache_mb: must be positive"))
	}
	if _, err := c.Serve.TrustedProxyNets(); err != nil {
		errs = append(errs, err)
	}
	if c.Serve.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.Serve.MetricsAddr); err != nil || c.Serve.MetricsAddr == c.Serve.Addr {
			errs = append(errs, fmt.Errorf("server.metrics_addr: %q is not host:port other than server.addr", c.Serve.MetricsAddr))
		}
	}
	if c.Serve.ReadHeaderTimeout <= 0 || c.Serve.ReadTimeout <= 0 || c.Serve.WriteTimeout <= 0 || c.Serve.IdleTimeout <= 0 {
		errs = append(errs, errors.New("server.read_header_timeout, read_timeout, write_timeout and idle_timeout: must be positive"))
	}
	if c.Serve.WriteTimeout > 0 && c.Serve.WriteTimeout <= c.Serve.QueryTimeout {
		errs = append(errs, fmt.Errorf("server.write_timeout: %v must exceed server.query_timeout (%v), or slow queries and exports are cut off", c.Serve.WriteTimeout, c.Serve.QueryTimeout))
	}
	if _, err := c.Serve.MaxBodyBytes(); err != nil {
		errs = append(errs, err)
	}
	if c.Serve.SessionLifetime <= 0 {
		errs = append(errs, errors.New("server.session_lifetime: must be positive, such as 24h"))
	}
	if c.Serve.PublicURL != "" {
		if u, err := url.Parse(c.Serve.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("server.public_url: %q is not http(s)://host[:port] with nothing after it", c.Serve.PublicURL))
		}
	}
	for i, u := range c.Users {
		if err := auth.ValidName(u.Name); err != nil {
			errs = append(errs, fmt.Errorf("users[%d]: %w", i, err))
		}
		if _, err := auth.ParseRole(string(u.Role)); err != nil {
			errs = append(errs, fmt.Errorf("users[%d] (%s): %w", i, u.Name, err))
		}
		if !strings.HasPrefix(u.PasswordHash, "$2") {
			errs = append(errs, fmt.Errorf("users[%d] (%s): password_hash is not a bcrypt hash; set it with precedent user add", i, u.Name))
		}
	}
	for _, name := range []string{"etl", "report"} {
		sc := c.Schedules.ETL
		if name == "report" {
			sc = c.Schedules.Report
		}
		if sc.Retries < 0 || sc.Backoff < 0 {
			errs = append(errs, fmt.Errorf("schedules.%s: retries and backoff must not be negative", name))
		}
		if err := (&schedule.Job{Kind: name, Spec: sc.Cron, TimeZone: sc.TimeZone}).Parse(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.SMTP.Host != "" {
		if len(c.Report.Recipients) == 0 {
			errs = append(errs, errors.New("report.recipients: smtp.host is set but nobody receives the report"))
		}
		if c.SMTP.From == "" {
			errs = append(errs, errors.New("smtp.from: the sender address is empty"))
		}
	}
	if c.Report.BaseURL != "" {
		if u, err := url.Parse(c.Report.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			errs = append(errs, fmt.Errorf("report.base_url: %q is not an http(s) address", c.Report.BaseURL))
		}
	}
	if err := c.Vendors.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, c.validateSources()...)
	if err := c.ModelSettings(time.Now()).Validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// YAML renders the configuration as a file would hold it.
func (c Config) YAML() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Save writes the configuration to its file atomically.
func (c Config) Save() error {
	b, err := c.YAML()
	if err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	if err := os.Rename(tmp, c.path); err != nil {
		return fmt.Errorf("save config: %w", err)
	}
	return nil
}

// SMTPPassword is the SMTP password: the environment variable password_env
// names, when it is set and not empty, else password.
func (c Config) SMTPPassword() string {
	if c.SMTP.PasswordEnv != "" {
		if p := os.Getenv(c.SMTP.PasswordEnv); p != "" {
			return p
		}
	}
	return c.SMTP.Password
}

// AsOfDate is the as-of date: the configured one, or today in UTC.
func (c Config) AsOfDate(now time.Time) time.Time {
	if c.AsOf != "" {
		t, _ := time.Parse(time.DateOnly, c.AsOf)
		return t
	}
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
