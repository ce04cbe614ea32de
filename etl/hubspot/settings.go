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
	"strings"

	"github.com/precedent-dev/precedent/etl"
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

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[2] (crm)"); it checks that the token can be
// read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	if s.APIURL != "" {
		if _, err := etl.ParseBaseURL(s.APIURL, "the API's address"); err != nil {
			bad("api_url", "%q %v", s.APIURL, err)
		}
	}
	if s.DailyReserve < 0 {
		bad("daily_reserve", "%d is negative: the API calls a pull leaves to the account's other apps each day", s.DailyReserve)
	}
	if _, err := s.Token(); err != nil {
		errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
	}
	return errors.Join(errs...)
}

// Token reads the access token from access_token_env or access_token_file.
// Its error names the setting, never the value.
func (s Settings) Token() (string, error) {
	return etl.Secret{Setting: "access_token", Env: s.AccessTokenEnv, File: s.AccessTokenFile, Holds: "the private app's access token"}.Read()
}

// base is the API's address without a trailing slash.
func (s Settings) base() string {
	if s.APIURL == "" {
		return DefaultAPIURL
	}
	return strings.TrimRight(s.APIURL, "/")
}
