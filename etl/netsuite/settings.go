// Package netsuite pulls a NetSuite account's customers, customer invoices
// and credit memos, and invoice lines through SuiteQL over REST web services
// (POST /services/rest/query/v1/suiteql), signed with token-based
// authentication (OAuth 1.0a, HMAC-SHA256), into a source's landing folder
// as JSON lines, each object continuing after the last record it landed by
// lastmodifieddate. The run then loads them through the NetSuite adapters,
// as it loads saved-search exports. It only reads, and never logs the
// credentials.
package netsuite

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/etl"
)

// Settings configure one NetSuite account: sources[i] of kind netsuite.
type Settings struct {
	// AccountID is the account's id as NetSuite shows it (Setup, Company,
	// Company Information): 1234567, or 1234567_SB1 for a sandbox.
	AccountID string `yaml:"account_id,omitempty"`
	// SuiteTalkURL replaces https://<account>.suitetalk.api.netsuite.com
	// (http only to this host, for tests).
	SuiteTalkURL string `yaml:"suitetalk_url,omitempty"`
	// The integration record's consumer key and secret and the access
	// token's id and secret, each from an environment variable (*_env) or
	// a file (*_file, a trailing line break dropped): exactly one of each.
	ConsumerKeyEnv     string `yaml:"consumer_key_env,omitempty"`
	ConsumerKeyFile    string `yaml:"consumer_key_file,omitempty"`
	ConsumerSecretEnv  string `yaml:"consumer_secret_env,omitempty"`
	ConsumerSecretFile string `yaml:"consumer_secret_file,omitempty"`
	TokenIDEnv         string `yaml:"token_id_env,omitempty"`
	TokenIDFile        string `yaml:"token_id_file,omitempty"`
	TokenSecretEnv     string `yaml:"token_secret_env,omitempty"`
	TokenSecretFile    string `yaml:"token_secret_file,omitempty"`
	// ExtraFields are more field ids to read of an object (customer,
	// transaction, transactionline), such as the custom transaction body
	// fields custbody_disputed or billingschedule; vendors.fields maps
	// them onto contract columns.
	ExtraFields map[string][]string `yaml:"extra_fields,omitempty"`
}

var (
	accountRe = regexp.MustCompile(`^[0-9A-Za-z]+([_-][0-9A-Za-z]+)?$`)
	fieldRe   = regexp.MustCompile(`^[a-z][a-z0-9_]{0,99}$`)
)

// credentials are where the four credentials are read from.
func (s Settings) credentials() []etl.Secret {
	return []etl.Secret{
		{Setting: "consumer_key", Env: s.ConsumerKeyEnv, File: s.ConsumerKeyFile, Holds: "the consumer key"},
		{Setting: "consumer_secret", Env: s.ConsumerSecretEnv, File: s.ConsumerSecretFile, Holds: "the consumer secret"},
		{Setting: "token_id", Env: s.TokenIDEnv, File: s.TokenIDFile, Holds: "the token id"},
		{Setting: "token_secret", Env: s.TokenSecretEnv, File: s.TokenSecretFile, Holds: "the token secret"},
	}
}

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[3] (erp)"); it checks that the credentials can
// be read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	switch {
	case s.AccountID == "":
		bad("account_id", "not set: the account's id, such as 1234567 or 1234567_SB1 (Setup, Company, Company Information)")
	case !accountRe.MatchString(s.AccountID):
		bad("account_id", "%q is not a NetSuite account id, such as 1234567 or 1234567_SB1", s.AccountID)
	}
	if s.SuiteTalkURL != "" {
		if _, err := etl.ParseBaseURL(s.SuiteTalkURL, "an address"); err != nil {
			bad("suitetalk_url", "%q %v", s.SuiteTalkURL, err)
		}
	}
	for _, c := range s.credentials() {
		if _, err := c.Read(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
		}
	}
	for _, obj := range sortedKeys(s.ExtraFields) {
		if !slices.ContainsFunc(objects, func(o object) bool { return o.table == obj }) {
			bad("extra_fields."+obj, "no object Precedent reads; want customer, transaction or transactionline")
			continue
		}
		for _, f := range s.ExtraFields[obj] {
			if !fieldRe.MatchString(f) {
				bad("extra_fields."+obj, "%q is not a field id (lower-case letters, digits and _, such as custbody_disputed)", f)
			}
		}
	}
	return errors.Join(errs...)
}

// tokens reads the four credentials.
func (s Settings) tokens() (tba, error) {
	var v [4]string
	for i, c := range s.credentials() {
		var err error
		if v[i], err = c.Read(); err != nil {
			return tba{}, err
		}
	}
	return tba{realm: s.realm(), consumerKey: v[0], consumerSecret: v[1], tokenID: v[2], tokenSecret: v[3]}, nil
}

// realm is the account id as the Authorization header names it: upper
// case, a sandbox's - written _ (1234567_SB1).
func (s Settings) realm() string {
	return strings.ToUpper(strings.ReplaceAll(s.AccountID, "-", "_"))
}

// base is the REST host: https://<account>.suitetalk.api.netsuite.com,
// the account id lower case with _ written - (1234567-sb1).
func (s Settings) base() string {
	if s.SuiteTalkURL != "" {
		return strings.TrimRight(s.SuiteTalkURL, "/")
	}
	return "https://" + strings.ToLower(strings.ReplaceAll(s.AccountID, "_", "-")) + ".suitetalk.api.netsuite.com"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
