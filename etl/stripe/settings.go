// Package stripe pulls a Stripe account's customers, subscriptions,
// invoices (with all their lines) and credit notes through Stripe's API,
// with the official library stripe-go, into a source's landing folder as
// JSON lines, incrementally by the objects' creation time. The run then
// loads them through the Stripe adapters, as it loads exported files. It
// only reads, and never logs the secret key.
package stripe

import (
	"errors"
	"fmt"

	"github.com/precedent-dev/precedent/etl"
)

// Settings configure one Stripe account: sources[i] of kind stripe.
type Settings struct {
	// SecretKeyEnv names an environment variable holding the secret key (a
	// restricted key, rk_live_...); SecretKeyFile a file holding it (a
	// trailing line break is dropped). Exactly one.
	SecretKeyEnv  string `yaml:"secret_key_env,omitempty"`
	SecretKeyFile string `yaml:"secret_key_file,omitempty"`
	// APIBase is the API's address, https://api.stripe.com when empty
	// (another one for tests, such as stripe-mock's).
	APIBase string `yaml:"api_base,omitempty"`
	// LookbackDays is how many days before the newest object of the last
	// pull each pull reads again, so that an invoice paid, a subscription
	// cancelled or a draft finalised within them is landed as it is now.
	// 35 when 0; -1 reads only objects created after the last pull's newest.
	LookbackDays int `yaml:"lookback_days,omitempty"`
}

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[1] (billing)"); it checks that the key can be
// read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	if _, err := s.SecretKey(); err != nil {
		errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
	}
	if s.APIBase != "" {
		// The secret key goes to it: https, or http only to this host.
		if _, err := etl.ParseBaseURL(s.APIBase, "the API's address"); err != nil {
			bad("api_base", "%q %v", s.APIBase, err)
		}
	}
	if s.LookbackDays < -1 {
		bad("lookback_days", "%d: want -1 (none), 0 (35 days) or a number of days", s.LookbackDays)
	}
	return errors.Join(errs...)
}

// SecretKey reads the key from secret_key_env or secret_key_file. Its
// error names the setting, never the value.
func (s Settings) SecretKey() (string, error) {
	return etl.Secret{Setting: "secret_key", Env: s.SecretKeyEnv, File: s.SecretKeyFile, Holds: "a restricted key with read access"}.Read()
}

// lookback is the window read again before the cursor, in seconds.
func (s Settings) lookback() int64 {
	switch {
	case s.LookbackDays < 0:
		return 0
	case s.LookbackDays == 0:
		return 35 * 86400
	}
	return int64(s.LookbackDays) * 86400
}
