package config

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"reflect"
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

// TestIntSettings checks number settings: etl.max_text_length (its
// default, a value from the file, a message naming it when it is not
// positive) and duckdb.model_builds (0 by default, two at a time, and not
// negative).
func TestIntSettings(t *testing.T) {
	maxText := func(c Config) int { return c.ETL.MaxTextLength }
	builds := func(c Config) int { return c.DuckDB.ModelBuilds }
	for _, tt := range []struct {
		name, file string
		get        func(Config) int
		want       int
		err        string
	}{
		{"MaxTextDefault", "", maxText, 10000, ""},
		{"MaxTextFromFile", "etl:\n  max_text_length: 500\n", maxText, 500, ""},
		{"MaxTextZero", "etl:\n  max_text_length: 0\n", maxText, 0, "etl.max_text_length: 0 is not a positive number of characters"},
		{"ModelBuildsDefault", "as_of: 2026-01-31\n", builds, 0, ""},
		{"ModelBuildsOneAtATime", "duckdb:\n  model_builds: 1\n", builds, 1, ""},
		{"ModelBuildsNegative", "duckdb:\n  model_builds: -1\n", builds, 0, "duckdb.model_builds"},
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
			if err != nil || tt.get(c) != tt.want {
				t.Errorf("got %d (%v), want %d", tt.get(c), err, tt.want)
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
		{"ErrKind", "sources:\n  - name: crm_db\n    kind: mysql\n", "sources[0] (crm_db).kind: \"mysql\" is not a kind of source; want one of postgres, stripe, zendesk, netsuite, docusign, hubspot, salesforce"},
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
		{"ErrStripeAPIBase", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_PG_PASSWORD\n    api_base: stripe-mock:12111\n", "sources[0] (billing).api_base: \"stripe-mock:12111\" is not an https URL"},
		{"ErrStripeAPIBaseHTTP", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_PG_PASSWORD\n    api_base: http://stripe-mock.internal:12111\n", "sources[0] (billing).api_base: \"http://stripe-mock.internal:12111\" is not https (http only to this host)"},
		{"ErrStripeWithDSN", "sources:\n  - name: billing\n    kind: stripe\n    secret_key_env: TEST_PG_PASSWORD\n    dsn: host=db\n", "sources[0] (billing).dsn (line 5): not a setting of kind stripe, whose settings are secret_key_env, secret_key_file, api_base, lookback_days (it is a setting of kind postgres)"},
		{"ErrZendeskTokenUnset", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_ZENDESK_UNSET\n", "sources[0] (support).token_env: environment variable TEST_ZENDESK_UNSET is not set"},
		{"ErrZendeskNoToken", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n", "sources[0] (support).token_env: not set"},
		{"ErrZendeskTokenFile", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_file: /nonexistent/zd\n", "sources[0] (support).token_file: cannot read /nonexistent/zd"},
		{"ErrZendeskNoBaseURL", "sources:\n  - name: support\n    kind: zendesk\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).base_url: not set"},
		{"ErrZendeskHTTP", "sources:\n  - name: support\n    kind: zendesk\n    base_url: http://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).base_url: \"http://acme.zendesk.com\" is not https"},
		{"ErrZendeskNoEmail", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    token_env: TEST_PG_PASSWORD\n", "sources[0] (support).email: not set"},
		{"ErrZendeskWithSecretKey", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    secret_key_env: TEST_PG_PASSWORD\n", "sources[0] (support).secret_key_env (line 7): not a setting of kind zendesk, whose settings are base_url, email, token_env, token_file (it is a setting of kind stripe)"},
		{"ErrNetSuiteNoAccount", "sources:\n  - name: erp\n    kind: netsuite\n    consumer_key_env: TEST_PG_PASSWORD\n    consumer_secret_env: TEST_PG_PASSWORD\n    token_id_env: TEST_PG_PASSWORD\n    token_secret_env: TEST_PG_PASSWORD\n", "sources[0] (erp).account_id: not set"},
		{"ErrNetSuiteTokenSecretUnset", "sources:\n  - name: erp\n    kind: netsuite\n    account_id: 1234567_SB1\n    consumer_key_env: TEST_PG_PASSWORD\n    consumer_secret_file: /nonexistent/cs\n    token_id_env: TEST_PG_PASSWORD\n    token_secret_env: TEST_NS_UNSET\n", "sources[0] (erp).consumer_secret_file: cannot read /nonexistent/cs"},
		{"ErrNetSuiteExtraFields", "sources:\n  - name: erp\n    kind: netsuite\n    account_id: 1234567\n    consumer_key_env: TEST_PG_PASSWORD\n    consumer_secret_env: TEST_PG_PASSWORD\n    token_id_env: TEST_PG_PASSWORD\n    token_secret_env: TEST_PG_PASSWORD\n    extra_fields:\n      transaction: [\"custbody_x; DROP\"]\n", "sources[0] (erp).extra_fields.transaction: \"custbody_x; DROP\" is not a field id"},
		{"ErrNetSuiteHTTP", "sources:\n  - name: erp\n    kind: netsuite\n    account_id: 1234567\n    suitetalk_url: http://1234567.suitetalk.api.netsuite.com\n    consumer_key_env: TEST_PG_PASSWORD\n    consumer_secret_env: TEST_PG_PASSWORD\n    token_id_env: TEST_PG_PASSWORD\n    token_secret_env: TEST_PG_PASSWORD\n", "sources[0] (erp).suitetalk_url: \"http://1234567.suitetalk.api.netsuite.com\" is not https"},
		{"ErrZendeskWithAccountID", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    account_id: \"1234567\"\n", "sources[0] (support).account_id (line 7): not a setting of kind zendesk, whose settings are base_url, email, token_env, token_file (it is a setting of kind netsuite, docusign)"},
		{"ErrPostgresWithEmail", source(ok + "    email: agent@acme.example\n"), "(crm_db).email"},
		{"ErrDocuSignNoKey", "sources:\n  - name: esign\n    kind: docusign\n    auth_server: account-d.docusign.com\n    integration_key: 7f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b\n    user_id: 4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d\n    from_date: 2024-01-01\n", "sources[0] (esign).private_key_file: not set"},
		{"ErrDocuSignKeyFile", "sources:\n  - name: esign\n    kind: docusign\n    auth_server: account-d.docusign.com\n    integration_key: 7f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b\n    user_id: 4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d\n    private_key_file: /nonexistent/ds.pem\n    from_date: 2024-01-01\n", "sources[0] (esign).private_key_file: cannot read /nonexistent/ds.pem"},
		{"ErrDocuSignAuthServer", "sources:\n  - name: esign\n    kind: docusign\n    integration_key: 7f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b\n    user_id: 4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d\n    private_key_env: TEST_PG_PASSWORD\n    from_date: 2024-01-01\n", "sources[0] (esign).auth_server: not set"},
		{"ErrZendeskWithUserID", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    user_id: 4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d\n", "sources[0] (support).user_id (line 7): not a setting of kind zendesk, whose settings are base_url, email, token_env, token_file (it is a setting of kind docusign)"},
		{"ErrHubSpotNoToken", "sources:\n  - name: crm\n    kind: hubspot\n", "sources[0] (crm).access_token_env: not set"},
		{"ErrHubSpotTokenUnset", "sources:\n  - name: crm\n    kind: hubspot\n    access_token_env: TEST_HUBSPOT_UNSET\n", "sources[0] (crm).access_token_env: environment variable TEST_HUBSPOT_UNSET is not set"},
		{"ErrHubSpotHTTP", "sources:\n  - name: crm\n    kind: hubspot\n    access_token_env: TEST_PG_PASSWORD\n    api_url: http://api.hubapi.com\n", "sources[0] (crm).api_url: \"http://api.hubapi.com\" is not https"},
		{"ErrHubSpotReserve", "sources:\n  - name: crm\n    kind: hubspot\n    access_token_env: TEST_PG_PASSWORD\n    daily_reserve: -5\n", "sources[0] (crm).daily_reserve: -5 is negative"},
		{"ErrHubSpotWithEmail", "sources:\n  - name: crm\n    kind: hubspot\n    access_token_env: TEST_PG_PASSWORD\n    email: agent@acme.example\n", "sources[0] (crm).email (line 5): not a setting of kind hubspot, whose settings are api_url, access_token_env, access_token_file, daily_reserve (it is a setting of kind zendesk)"},
		{"ErrZendeskWithAccessToken", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    access_token_env: TEST_PG_PASSWORD\n", "sources[0] (support).access_token_env (line 7): not a setting of kind zendesk, whose settings are base_url, email, token_env, token_file (it is a setting of kind hubspot)"},
		{"ErrSalesforceNoFlow", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n", "sources[0] (crm).flow: not set"},
		{"ErrSalesforceNoKey", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n    flow: jwt\n    username: etl@acme.example\n    private_key_file: /nonexistent/sf.key\n", "sources[0] (crm).private_key_file: cannot read /nonexistent/sf.key"},
		{"ErrSalesforceWithEmail", "sources:\n  - name: crm\n    kind: salesforce\n    client_id: 3MVG9abc\n    flow: client_credentials\n    client_secret_env: TEST_PG_PASSWORD\n    email: agent@acme.example\n", "sources[0] (crm).email (line 7): not a setting of kind salesforce"},
		{"ErrZendeskWithClientID", "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_PG_PASSWORD\n    client_id: 3MVG9abc\n", "sources[0] (support).client_id (line 7): not a setting of kind zendesk, whose settings are base_url, email, token_env, token_file (it is a setting of kind salesforce)"},
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
	c := loadYAML(t, "sources:\n  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_ZENDESK_TOKEN\n")
	if len(c.Sources) != 1 || c.Sources[0].Zendesk.BaseURL != "https://acme.zendesk.com" || c.Sources[0].Zendesk.Email != "agent@acme.example" {
		t.Errorf("sources = %+v", c.Sources)
	}
	if tok, err := c.Sources[0].Zendesk.Token(); tok != "zd-token" || err != nil {
		t.Errorf("token = %q (%v), want it from the environment", tok, err)
	}
}

func TestDocuSignSource(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "docusign.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	c := loadYAML(t, "sources:\n  - name: esign\n    kind: docusign\n    auth_server: account.docusign.com\n    integration_key: 7f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b\n"+
		"    user_id: 4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d\n    private_key_file: "+keyFile+"\n    from_date: 2024-01-01\n    api_reserve: 25\n")
	ds := c.Sources[0].DocuSign
	if len(c.Sources) != 1 || ds.AuthServer != "account.docusign.com" || ds.UserID != "4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d" || ds.FromDate != "2024-01-01" || ds.APIReserve == nil || *ds.APIReserve != 25 {
		t.Errorf("sources = %+v", c.Sources)
	}
	if k, err := ds.PrivateKey(); err != nil || !k.Equal(key) {
		t.Errorf("private key (%v), want it from the file", err)
	}
}

func TestHubSpotSource(t *testing.T) {
	t.Setenv("TEST_HUBSPOT_TOKEN", "pat-na1-token")
	c := loadYAML(t, "sources:\n  - name: crm\n    kind: hubspot\n    access_token_env: TEST_HUBSPOT_TOKEN\n    daily_reserve: 50000\n")
	if len(c.Sources) != 1 || c.Sources[0].HubSpot.DailyReserve != 50000 || c.Sources[0].HubSpot.APIURL != "" {
		t.Errorf("sources = %+v", c.Sources)
	}
	if tok, err := c.Sources[0].HubSpot.Token(); tok != "pat-na1-token" || err != nil {
		t.Errorf("token = %q (%v), want it from the environment", tok, err)
	}
}

func TestSalesforceSource(t *testing.T) {
	t.Setenv("TEST_SF_SECRET", "sf-secret")
	c := loadYAML(t, "sources:\n  - name: crm\n    kind: salesforce\n    login_url: https://acme.my.salesforce.com\n    client_id: 3MVG9abc\n    flow: client_credentials\n    client_secret_env: TEST_SF_SECRET\n    api_share: 0.25\n    objects: [Account, Opportunity]\n")
	if len(c.Sources) != 1 {
		t.Fatalf("sources = %+v", c.Sources)
	}
	sf := c.Sources[0].Salesforce
	if sf.LoginURL != "https://acme.my.salesforce.com" || sf.Flow != "client_credentials" || sf.APIShare != 0.25 || len(sf.Objects) != 2 {
		t.Errorf("salesforce settings = %+v", sf)
	}
}

// TestSourcesRoundTrip saves a configuration with sources of several kinds
// (as precedent user add does) and reads it back: each source keeps its
// kind's settings, beside name and kind as they were written.
func TestSourcesRoundTrip(t *testing.T) {
	t.Setenv("TEST_RT_SECRET", "s3cret")
	path := filepath.Join(t.TempDir(), "precedent.yaml")
	file := "sources:\n" +
		"  - name: support\n    kind: zendesk\n    base_url: https://acme.zendesk.com\n    email: agent@acme.example\n    token_env: TEST_RT_SECRET\n" +
		"  - name: erp\n    kind: netsuite\n    account_id: 1234567_SB1\n    consumer_key_env: TEST_RT_SECRET\n    consumer_secret_env: TEST_RT_SECRET\n    token_id_env: TEST_RT_SECRET\n    token_secret_env: TEST_RT_SECRET\n" +
		"  - name: crm\n    kind: hubspot\n    access_token_env: TEST_RT_SECRET\n    daily_reserve: 500\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	for _, want := range []string{"    kind: netsuite\n    account_id: 1234567_SB1\n", "    kind: hubspot\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("saved configuration lacks %q:\n%s", want, b)
		}
	}
	again, err := Load(path, true)
	if err != nil {
		t.Fatalf("the saved configuration does not load: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(again.Sources, c.Sources) {
		t.Errorf("sources after a save: %+v, want %+v", again.Sources, c.Sources)
	}
}

// loadYAML loads a configuration file holding text.
func loadYAML(t *testing.T, text string) Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "precedent.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path, true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
