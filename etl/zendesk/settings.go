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
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
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

var envVariableRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

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
	} else if err := checkBaseURL(s.BaseURL); err != nil {
		bad("base_url", "%q %v", s.BaseURL, err)
	}
	if s.Email == "" {
		bad("email", "not set: the email of the agent or admin whose API token is used")
	} else if !strings.Contains(s.Email, "@") {
		bad("email", "%q is not an email address", s.Email)
	}
	switch {
	case s.TokenEnv == "" && s.TokenFile == "":
		bad("token_env", "not set: name the environment variable (or token_file the file) holding an API token")
	case s.TokenEnv != "" && s.TokenFile != "":
		bad("token_env", "and token_file are both set: keep one")
	case s.TokenEnv != "" && !envVariableRe.MatchString(s.TokenEnv):
		bad("token_env", "%q is not the name of an environment variable", s.TokenEnv)
	default:
		if _, err := s.Token(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
		}
	}
	return errors.Join(errs...)
}

// checkBaseURL accepts an https address, or an http one on this host
// (tests): the token must not cross a network in the clear.
func checkBaseURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("is not an https URL")
	}
	if u.RawQuery != "" || u.User != nil {
		return errors.New("is not the account's address alone (no query, no user)")
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return errors.New("is not https (http only to this host)")
		}
	}
	return nil
}

// Token reads the API token from token_env or token_file. Its error names
// the setting, never the value.
func (s Settings) Token() (string, error) {
	switch {
	case s.TokenEnv != "":
		k := os.Getenv(s.TokenEnv)
		if k == "" {
			return "", fmt.Errorf("token_env: environment variable %s is not set", s.TokenEnv)
		}
		return k, nil
	case s.TokenFile != "":
		b, err := os.ReadFile(s.TokenFile)
		if err != nil {
			return "", fmt.Errorf("token_file: cannot read %s: %w", s.TokenFile, errors.Unwrap(err))
		}
		k := strings.TrimRight(string(b), "\r\n")
		if k == "" {
			return "", fmt.Errorf("token_file: %s is empty", s.TokenFile)
		}
		return k, nil
	}
	return "", errors.New("token_env: not set")
}

// base is the account's address without a trailing slash.
func (s Settings) base() string { return strings.TrimRight(s.BaseURL, "/") }
