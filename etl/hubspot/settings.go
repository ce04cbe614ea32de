// Package hubspot pulls a HubSpot account's companies, deals, line items
// and tickets, with the associations the adapters read (a deal's company, a
// line item's deal, a ticket's company and deals), through the CRM v3
// objects API and the v4 associations API, into a source's landing folder
// as JSON lines: the first pull lists every record, later ones search what
// changed since the last, and each pull lists the archived (deleted)
// records. The run then loads them through the HubSpot adapters, as it
// loads exported files. It only reads, with a private app's access token,
// which it never logs.
package hubspot

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// DefaultAPIURL is HubSpot's API address.
const DefaultAPIURL = "https://api.hubapi.com"

// Settings configure one HubSpot account: sources[i] of kind hubspot. Its
// names are its own (api_url, access_token_env, access_token_file) because
// a source's settings sit inline beside those of the other kinds.
type Settings struct {
	// APIURL is the API's address: https://api.hubapi.com when empty (http
	// only to this host, for tests).
	APIURL string `yaml:"api_url,omitempty"`
	// AccessTokenEnv names an environment variable holding the private
	// app's access token; AccessTokenFile a file holding it (a trailing
	// line break is dropped). Exactly one.
	AccessTokenEnv  string `yaml:"access_token_env,omitempty"`
	AccessTokenFile string `yaml:"access_token_file,omitempty"`
	// DailyReserve is how many of the account's daily API calls a pull
	// leaves to the account's other apps: it stops before the calls left
	// today (X-HubSpot-RateLimit-Daily-Remaining) fall to it. When 0, a
	// tenth of the daily limit (X-HubSpot-RateLimit-Daily).
	DailyReserve int `yaml:"daily_reserve,omitempty"`
}

var envVariableRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[2] (crm)"); it checks that the token can be
// read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	if s.APIURL != "" {
		if err := checkAPIURL(s.APIURL); err != nil {
			bad("api_url", "%q %v", s.APIURL, err)
		}
	}
	if s.DailyReserve < 0 {
		bad("daily_reserve", "%d is negative: the API calls a pull leaves to the account's other apps each day", s.DailyReserve)
	}
	switch {
	case s.AccessTokenEnv == "" && s.AccessTokenFile == "":
		bad("access_token_env", "not set: name the environment variable (or access_token_file the file) holding the private app's access token")
	case s.AccessTokenEnv != "" && s.AccessTokenFile != "":
		bad("access_token_env", "and access_token_file are both set: keep one")
	case s.AccessTokenEnv != "" && !envVariableRe.MatchString(s.AccessTokenEnv):
		bad("access_token_env", "%q is not the name of an environment variable", s.AccessTokenEnv)
	default:
		if _, err := s.Token(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
		}
	}
	return errors.Join(errs...)
}

// checkAPIURL accepts an https address, or an http one on this host
// (tests): the token must not cross a network in the clear.
func checkAPIURL(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("is not an https URL")
	}
	if u.RawQuery != "" || u.User != nil || strings.Trim(u.Path, "/") != "" {
		return errors.New("is not the API's address alone (no path, query or user)")
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return errors.New("is not https (http only to this host)")
		}
	}
	return nil
}

// Token reads the access token from access_token_env or access_token_file.
// Its error names the setting, never the value.
func (s Settings) Token() (string, error) {
	switch {
	case s.AccessTokenEnv != "":
		k := os.Getenv(s.AccessTokenEnv)
		if k == "" {
			return "", fmt.Errorf("access_token_env: environment variable %s is not set", s.AccessTokenEnv)
		}
		return k, nil
	case s.AccessTokenFile != "":
		b, err := os.ReadFile(s.AccessTokenFile)
		if err != nil {
			return "", fmt.Errorf("access_token_file: cannot read %s: %w", s.AccessTokenFile, errors.Unwrap(err))
		}
		k := strings.TrimRight(string(b), "\r\n")
		if k == "" {
			return "", fmt.Errorf("access_token_file: %s is empty", s.AccessTokenFile)
		}
		return k, nil
	}
	return "", errors.New("access_token_env: not set")
}

// base is the API's address without a trailing slash.
func (s Settings) base() string {
	if s.APIURL == "" {
		return DefaultAPIURL
	}
	return strings.TrimRight(s.APIURL, "/")
}
