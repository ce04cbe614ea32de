// Package docusign pulls a DocuSign eSignature account's envelope status
// changes, with their custom fields, through the eSignature REST API
// (Envelopes: listStatusChanges) into a source's landing folder as JSON
// lines, continuing from the last status change it landed. It signs in
// with the JWT grant as a user the integration key may impersonate. The run
// then loads the envelopes through the DocuSign adapter, as it loads
// exported files. It only reads, and never logs the private key or the
// access tokens.
package docusign

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/precedent-dev/precedent/etl"
)

// Settings configure one DocuSign account: sources[i] of kind docusign.
type Settings struct {
	// AuthServer is DocuSign's authentication service:
	// account-d.docusign.com (developer) or account.docusign.com
	// (production); an http:// address on this host for tests.
	AuthServer string `yaml:"auth_server,omitempty"`
	// IntegrationKey is the app's integration key (its client id).
	IntegrationKey string `yaml:"integration_key,omitempty"`
	// UserID is the GUID of the user the pull impersonates.
	UserID string `yaml:"user_id,omitempty"`
	// PrivateKeyFile is a file holding the app's RSA private key (PEM);
	// PrivateKeyEnv an environment variable holding it. Exactly one.
	PrivateKeyFile string `yaml:"private_key_file,omitempty"`
	PrivateKeyEnv  string `yaml:"private_key_env,omitempty"`
	// AccountID is the account to read (its GUID); the user's default
	// account when empty.
	AccountID string `yaml:"account_id,omitempty"`
	// FromDate is where the first pull starts: envelopes whose status
	// changed since then (YYYY-MM-DD, or a time in RFC 3339).
	FromDate string `yaml:"from_date,omitempty"`
	// APIReserve is the percentage of the account's hourly API limit a pull
	// leaves to the account's other integrations: it stops before
	// X-RateLimit-Remaining falls under it. 10 when not set.
	APIReserve *int `yaml:"api_reserve,omitempty"`
}

var guidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[3] (esign)"); it checks that the private key
// can be read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	if s.AuthServer == "" {
		bad("auth_server", "not set: account-d.docusign.com (developer account) or account.docusign.com (production)")
	} else if _, err := s.authURL(); err != nil {
		bad("auth_server", "%q %v", s.AuthServer, err)
	}
	for _, g := range []struct{ setting, value, what string }{
		{"integration_key", s.IntegrationKey, "the app's integration key (Apps and Keys)"},
		{"user_id", s.UserID, "the GUID of the user to impersonate (Apps and Keys: User ID)"},
	} {
		if g.value == "" {
			bad(g.setting, "not set: %s", g.what)
		} else if !guidRe.MatchString(g.value) {
			bad(g.setting, "%q is not a GUID: %s", g.value, g.what)
		}
	}
	if s.AccountID != "" && !guidRe.MatchString(s.AccountID) {
		bad("account_id", "%q is not a GUID (Apps and Keys: API Account ID); leave it out for the user's default account", s.AccountID)
	}
	if s.FromDate == "" {
		bad("from_date", "not set: where the first pull starts, such as 2020-01-01")
	} else if _, err := s.from(); err != nil {
		bad("from_date", "%q is not a date (YYYY-MM-DD) or an RFC 3339 time", s.FromDate)
	}
	if s.APIReserve != nil && (*s.APIReserve < 0 || *s.APIReserve > 90) {
		bad("api_reserve", "%d is not a percentage from 0 to 90", *s.APIReserve)
	}
	if _, err := s.PrivateKey(); err != nil {
		errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
	}
	return errors.Join(errs...)
}

// authURL is the authentication service's address: https://<auth_server>,
// or the http address on this host the setting gives.
func (s Settings) authURL() (*url.URL, error) {
	raw := s.AuthServer
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	return etl.ParseBaseURL(raw, "the authentication service's host")
}

// from is the first pull's start.
func (s Settings) from() (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s.FromDate); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s.FromDate)
}

// reserve is the percentage of the hourly limit left to other integrations.
func (s Settings) reserve() int {
	if s.APIReserve == nil {
		return 10
	}
	return *s.APIReserve
}

// PrivateKey reads and parses the RSA private key from private_key_file or
// private_key_env. Its error names the setting, never the key.
func (s Settings) PrivateKey() (*rsa.PrivateKey, error) {
	pem, err := etl.Secret{Setting: "private_key", Env: s.PrivateKeyEnv, File: s.PrivateKeyFile, Holds: "the app's RSA private key", FileFirst: true}.Read()
	if err != nil {
		return nil, err
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(pem))
	if err != nil {
		setting := "private_key_file"
		if s.PrivateKeyEnv != "" {
			setting = "private_key_env"
		}
		// The parser's error never quotes the key.
		return nil, fmt.Errorf("%s: not an RSA private key in PEM (-----BEGIN RSA PRIVATE KEY-----): %w", setting, err)
	}
	return key, nil
}
