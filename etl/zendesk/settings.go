// Package zendesk pulls a Zendesk Support account's tickets,
// organizations and ticket events through Zendesk's incremental export API
// into a source's landing folder as JSON lines: tickets with the
// cursor-based export, organizations and ticket events (whose Change
// events date escalations) with the time-based one, each continuing from
// where the last pull stopped. The run then loads them through the Zendesk adapters,
// as it loads exported files. It only reads, and never logs the API token.
package zendesk

import (
	"errors"
	"fmt"
	"strings"

	"github.com/precedent-dev/precedent/etl"
)

// Settings configure one Zendesk account: sources[i] of kind zendesk.
type Settings struct {
	// BaseURL is the account's address, such as https://acme.zendesk.com.
	BaseURL string `yaml:"base_url,omitempty"`
	// Email is the agent or admin whose API token the pull uses.
	Email string `yaml:"email,omitempty"`
	// TokenEnv names an environment variable holding the API token;
	// TokenFile a file holding it (a trailing line break is dropped).
	// Exactly one.
	TokenEnv  string `yaml:"token_env,omitempty"`
	TokenFile string `yaml:"token_file,omitempty"`
}

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[2] (support)"); it checks that the token can be
// read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	if s.BaseURL == "" {
		bad("base_url", "not set: the account's address, such as https://acme.zendesk.com")
	} else if _, err := etl.ParseBaseURL(s.BaseURL, "the account's address"); err != nil {
		bad("base_url", "%q %v", s.BaseURL, err)
	}
	if s.Email == "" {
		bad("email", "not set: the email of the agent or admin whose API token is used")
	} else if !strings.Contains(s.Email, "@") {
		bad("email", "%q is not an email address", s.Email)
	}
	if _, err := s.Token(); err != nil {
		errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
	}
	return errors.Join(errs...)
}

// Token reads the API token from token_env or token_file. Its error names
// the setting, never the value.
func (s Settings) Token() (string, error) {
	return etl.Secret{Setting: "token", Env: s.TokenEnv, File: s.TokenFile, Holds: "an API token"}.Read()
}

// base is the account's address without a trailing slash.
func (s Settings) base() string { return strings.TrimRight(s.BaseURL, "/") }
