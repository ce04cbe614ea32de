package config

import (
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

func TestServeValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Serve)
		want string // part of the error; "" for none
	}{
		{"Defaults", func(*Serve) {}, ""},
		{"TrustedProxies", func(s *Serve) { s.TrustedProxies = []string{"10.0.0.0/8", "2001:db8::/32"} }, ""},
		{"TrustedProxyNotCIDR", func(s *Serve) { s.TrustedProxies = []string{"10.0.0.1"} }, "serve.trusted_proxies"},
		{"SessionLifetimeZero", func(s *Serve) { s.SessionLifetime = 0 }, "serve.session_lifetime"},
		{"MetricsAddr", func(s *Serve) { s.MetricsAddr = "127.0.0.1:9090" }, ""},
		{"MetricsAddrNoPort", func(s *Serve) { s.MetricsAddr = "127.0.0.1" }, "serve.metrics_addr"},
		{"MetricsAddrIsAddr", func(s *Serve) { s.MetricsAddr = s.Addr }, "serve.metrics_addr"},
		{"WriteTimeoutUnderQueryTimeout", func(s *Serve) { s.WriteTimeout = s.QueryTimeout }, "serve.write_timeout"},
		{"ReadTimeoutZero", func(s *Serve) { s.ReadTimeout = 0 }, "read_timeout"},
		{"MaxBody", func(s *Serve) { s.MaxBody = "512KB" }, ""},
		{"MaxBodyNoUnit", func(s *Serve) { s.MaxBody = "2" }, "serve.max_body"},
		{"MaxBodyZero", func(s *Serve) { s.MaxBody = "0MiB" }, "serve.max_body"},
		{"MaxBodyHuge", func(s *Serve) { s.MaxBody = "99999999999GiB" }, "serve.max_body"},
		{"PublicURL", func(s *Serve) { s.PublicURL = "https://precedent.example.com" }, ""},
		{"PublicURLWithPath", func(s *Serve) { s.PublicURL = "https://example.com/precedent" }, "serve.public_url"},
		{"PublicURLNoScheme", func(s *Serve) { s.PublicURL = "precedent.example.com" }, "serve.public_url"},
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
