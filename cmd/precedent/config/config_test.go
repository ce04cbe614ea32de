package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSMTPPassword(t *testing.T) {
	t.Setenv("TEST_SMTP_PASSWORD", "from-env")
	t.Setenv("TEST_SMTP_EMPTY", "")
	for _, tt := range []struct {
		name, env, password, want string
	}{
		{"file only", "", "from-file", "from-file"},
		{"environment wins", "TEST_SMTP_PASSWORD", "from-file", "from-env"},
		{"empty variable falls back to the file", "TEST_SMTP_EMPTY", "from-file", "from-file"},
		{"unset variable falls back to the file", "TEST_SMTP_UNSET", "from-file", "from-file"},
		{"neither", "TEST_SMTP_UNSET", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			c.SMTP.PasswordEnv, c.SMTP.Password = tt.env, tt.password
			if got := c.SMTPPassword(); got != tt.want {
				t.Errorf("SMTPPassword() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestETLSettings checks etl.max_text_length: its default, a value from
// the file, and a message naming it when it is not positive.
func TestETLSettings(t *testing.T) {
	for _, tt := range []struct {
		name, file string
		want       int
		err        string
	}{
		{"Default", "", 10000, ""},
		{"FromFile", "etl:\n  max_text_length: 500\n", 500, ""},
		{"Zero", "etl:\n  max_text_length: 0\n", 0, "etl.max_text_length: 0 is not a positive number of characters"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "precedent.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, true)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || c.ETL.MaxTextLength != tt.want {
				t.Errorf("max_text_length = %d (%v), want %d", c.ETL.MaxTextLength, err, tt.want)
			}
		})
	}
}

func TestServeValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Serve)
		want string // part of the error; "" for none
	}{
		{"Defaults", func(*Serve) {}, ""},
		{"TrustedProxies", func(s *Serve) { s.TrustedProxies = []string{"10.0.0.0/8", "2001:db8::/32"} }, ""},
		{"TrustedProxyNotCIDR", func(s *Serve) { s.TrustedProxies = []string{"10.0.0.1"} }, "server.trusted_proxies"},
		{"SessionLifetimeZero", func(s *Serve) { s.SessionLifetime = 0 }, "server.session_lifetime"},
		{"MetricsAddr", func(s *Serve) { s.MetricsAddr = "127.0.0.1:9090" }, ""},
		{"MetricsAddrNoPort", func(s *Serve) { s.MetricsAddr = "127.0.0.1" }, "server.metrics_addr"},
		{"MetricsAddrIsAddr", func(s *Serve) { s.MetricsAddr = s.Addr }, "server.metrics_addr"},
		{"WriteTimeoutUnderQueryTimeout", func(s *Serve) { s.WriteTimeout = s.QueryTimeout }, "server.write_timeout"},
		{"ReadTimeoutZero", func(s *Serve) { s.ReadTimeout = 0 }, "read_timeout"},
		{"MaxBody", func(s *Serve) { s.MaxBody = "512KB" }, ""},
		{"MaxBodyNoUnit", func(s *Serve) { s.MaxBody = "2" }, "server.max_body"},
		{"MaxBodyZero", func(s *Serve) { s.MaxBody = "0MiB" }, "server.max_body"},
		{"MaxBodyHuge", func(s *Serve) { s.MaxBody = "99999999999GiB" }, "server.max_body"},
		{"PublicURL", func(s *Serve) { s.PublicURL = "https://precedent.example.com" }, ""},
		{"PublicURLWithPath", func(s *Serve) { s.PublicURL = "https://example.com/precedent" }, "server.public_url"},
		{"PublicURLNoScheme", func(s *Serve) { s.PublicURL = "precedent.example.com" }, "server.public_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.edit(&c.Serve)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error naming %s", err, tt.want)
			}
		})
	}
}

func TestMaxBodyBytes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
	}{{"2MiB", 2 << 20}, {"512KB", 512000}, {"100 B", 100}, {"1GB", 1e9}} {
		got, err := Serve{MaxBody: tt.in}.MaxBodyBytes()
		if err != nil || got != tt.want {
			t.Errorf("MaxBodyBytes(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

// TestServerSection checks the server: section, and that a file written
// when it was called serve: still loads.
func TestServerSection(t *testing.T) {
	for _, tt := range []struct {
		name, file, addr, err string
	}{
		{"Server", "server:\n  addr: 0.0.0.0:9000\n  trusted_proxies: [10.0.0.0/8]\n", "0.0.0.0:9000", ""},
		{"Serve", "as_of: 2026-01-31\nserve:\n  addr: 0.0.0.0:9001\n", "0.0.0.0:9001", ""},
		{"Both", "serve:\n  addr: 0.0.0.0:9001\nserver:\n  addr: 0.0.0.0:9002\n", "", "keep one"},
		{"Typo", "server:\n  adr: 0.0.0.0:9001\n", "", "field adr not found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "precedent.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, true)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || c.Serve.Addr != tt.addr {
				t.Errorf("addr = %q (%v), want %q", c.Serve.Addr, err, tt.addr)
			}
		})
	}
}

// TestSources checks sources: a postgres source read from the file, and
// messages naming the source and setting for each mistake.
func TestSources(t *testing.T) {
	t.Setenv("TEST_PG_PASSWORD", "secret")
	t.Setenv("TEST_PG_EMPTY", "")
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	source := func(body string) string {
		return "sources:\n  - name: crm_db\n    kind: postgres\n" + body
	}
	ok := "    dsn: postgres://reader@db:5432/warehouse\n    password_env: TEST_PG_PASSWORD\n    schemas:\n      salesforce: fivetran_salesforce\n      stripe: stripe\n"
	for _, tt := range []struct {
		name, file, err string
	}{
		{"OK", source(ok), ""},
		{"OKPasswordFile", source("    dsn: host=db user=reader dbname=warehouse\n    password_file: " + pwFile + "\n    schemas:\n      netsuite: netsuite2\n"), ""},
		{"ErrKind", "sources:\n  - name: crm_db\n    kind: mysql\n", "sources[0] (crm_db).kind: \"mysql\" is not a kind of source; want postgres, stripe, zendesk or salesforce"},
		{"ErrName", strings.Replace(source(ok), "crm_db", "CRM DB", 1), "sources[0].name: \"CRM DB\" is not a name"},
		{"ErrPasswordInDSN", source(strings.Replace(ok, "reader@", "reader:hunter2@", 1)), "sources[0] (crm_db).dsn: holds a password"},
		{"ErrPasswordInKeyValueDSN", source("    dsn: host=db password=hunter2\n    schemas:\n      stripe: stripe\n"), "sources[0] (crm_db).dsn: holds a password"},
		{"ErrEmptyDSN", source("    schemas:\n      stripe: stripe\n"), "sources[0] (crm_db).dsn: empty"},
		{"ErrPasswordEnvUnset", source(strings.Replace(ok, "TEST_PG_PASSWORD", "TEST_PG_EMPTY", 1)), "sources[0] (crm_db).password_env: environment variable TEST_PG_EMPTY is not set"},
		{"ErrPasswordFile", source(strings.Replace(ok, "password_env: TEST_PG_PASSWORD", "password_file: /nonexistent/pw", 1)), "sources[0] (crm_db).password_file: cannot read /nonexistent/pw"},
		{"ErrVendor", source(ok + "      quickbooks: qb\n"), "sources[0] (crm_db).schemas.quickbooks: no vendor Precedent reads"},
		{"ErrSchemas", source("    dsn: host=db\n"), "sources[0] (crm_db).schemas: empty"},
		{"ErrStripeKeyUnset", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_STRIPE_UNSET\n", "sources[0] (billing).secret_key_env: environment variable TEST_STRIPE_UNSET is not set"},
		{"ErrStripeNoKey", "sources:\n  - name: billing\n    kind: stripe\n", "sources[0] (billing).secret_key_env: not set"},
		{"ErrStripeAPIBase", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_PG_PASSWORD\n    api_base: stripe-mock:12111\n", "sources[0] (billing).api_base: \"stripe-mock:12111\" is not an http(s) URL"},
		{"ErrStripeWithDSN", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_PG_PASSWORD\n    dsn: host=db\n", "sources[0] (billing): settings of kind postgres (dsn, password_env, password_file, schemas) in a source of kind stripe"},
		{"ErrZendeskTokenUnset", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_ZENDESK_UNSET\n", "sources[0] (support).token_env: environment variable TEST_ZENDESK_UNSET is not set"},
		{"ErrZendeskNoToken", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n", "sources[0] (support).token_env: not set"},
		{"ErrZendeskTokenFile", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_file: /nonexistent/zd\n", "sources[0] (support).token_file: cannot read /nonexistent/zd"},
		{"ErrZendeskNoBaseURL", "sources:\n  - name: support\n    kind: zendesk\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).base_url: not set"},
		{"ErrZendeskHTTP", "sources:\n  - name: support\n    kind: zendesk\n    base_url: http://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).base_url: \"http://acme.zendesk.com\" is not https"},
		{"ErrZendeskNoEmail", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).email: not set"},
		{"ErrZendeskWithSecretKey", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    secret_key_env: TEST_PG_PASSWORD\n", "sources[0] (support): settings of kind stripe (secret_key_env, secret_key_file, api_base, lookback_days) in a source of kind zendesk"},
		{"ErrPostgresWithEmail", source(ok + "    email: agent@acme.example\n"), "sources[0] (crm_db): settings of kind zendesk (base_url, email, token_env, token_file) in a source of kind postgres"},
		{"ErrSalesforceNoFlow", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n", "sources[0] (crm).flow: not set"},
		{"ErrSalesforceNoKey", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n    flow: jwt\n    username: etl@acme.example\n    private_key_file: /nonexistent/sf.key\n", "sources[0] (crm).private_key_file: cannot read /nonexistent/sf.key"},
		{"ErrSalesforceWithEmail", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n    flow: client_credentials\n    client_secret_env: TEST_PG_PASSWORD\n    email: agent@acme.example\n", "sources[0] (crm): settings of kind zendesk (base_url, email, token_env, token_file) in a source of kind salesforce"},
		{"ErrZendeskWithClientID", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    client_id: 3MVG9abc\n", "sources[0] (support): settings of kind salesforce (login_url, client_id"},
		{"ErrDuplicate", source(ok) + "  - name: crm_db\n    kind: postgres\n" + ok, "sources[1] (crm_db).name: two sources have this name"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "precedent.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(path, true)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				if err != nil && strings.Contains(err.Error(), "hunter2") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Sources) != 1 || c.Sources[0].Name != "crm_db" || len(c.Sources[0].Postgres.Schemas) == 0 {
				t.Errorf("sources = %+v", c.Sources)
			}
			if pw, err := c.Sources[0].Postgres.Password(); pw != "secret" || err != nil {
				t.Errorf("password = %q (%v), want it from the environment or file", pw, err)
			}
		})
	}
}

func TestZendeskSource(t *testing.T) {
	t.Setenv("TEST_ZENDESK_TOKEN", "zd-token")
	path := filepath.Join(t.TempDir(), "precedent.yaml")
	file := "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_ZENDESK_TOKEN\n"
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 1 || c.Sources[0].Zendesk.BaseURL != "https://acme.zendesk.com" || c.Sources[0].Zendesk.Email != "agent@acme.example" {
		t.Errorf("sources = %+v", c.Sources)
	}
	if tok, err := c.Sources[0].Zendesk.Token(); tok != "zd-token" || err != nil {
		t.Errorf("token = %q (%v), want it from the environment", tok, err)
	}
}

func TestSalesforceSource(t *testing.T) {
	t.Setenv("TEST_SF_SECRET", "sf-secret")
	path := filepath.Join(t.TempDir(), "precedent.yaml")
	file := "sources:\n  - name: crm\n    kind: salesforce\n    login_url: https://acme.my.salesforce.com\n    client_id: 3MVG9abc\n    flow: client_credentials\n    client_secret_env: TEST_SF_SECRET\n    api_share: 0.25\n    objects: [Account, Opportunity]\n"
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Sources) != 1 {
		t.Fatalf("sources = %+v", c.Sources)
	}
	sf := c.Sources[0].Salesforce
	if sf.LoginURL != "https://acme.my.salesforce.com" || sf.Flow != "client_credentials" || sf.APIShare != 0.25 || len(sf.Objects) != 2 {
		t.Errorf("salesforce settings = %+v", sf)
	}
}
