// Package salesforce pulls a Salesforce org's records (accounts, users,
// opportunities and their products, CPQ quote lines, Advanced Approvals,
// contracts and currency rates: the objects the Salesforce adapters read)
// through the REST API's queryAll, or Bulk API 2.0 for large objects, into
// a source's landing folder as JSON lines, incrementally by SystemModstamp.
// The run then loads them through the Salesforce adapters, as it loads
// Data Loader exports. It only reads, keeps within a share of the org's
// daily API limit, and never logs the private key, client secret or token.
package salesforce

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/precedent-dev/precedent/etl"
)

// The authorization flows.
const (
	FlowJWT               = "jwt"
	FlowClientCredentials = "client_credentials"
)

// Defaults of the settings.
const (
	DefaultLoginURL      = "https://login.salesforce.com"
	DefaultAPIVersion    = "v62.0"
	DefaultAPIShare      = 0.5
	DefaultBulkThreshold = 50000
	DefaultBulkMaxWait   = time.Hour
)

// Settings configure one Salesforce org: sources[i] of kind salesforce.
type Settings struct {
	// LoginURL is where tokens are requested: https://login.salesforce.com
	// (the default), https://test.salesforce.com for a sandbox, or the
	// org's My Domain (https://acme.my.salesforce.com), which the client
	// credentials flow needs.
	LoginURL string `yaml:"login_url,omitempty"`
	// ClientID is the connected app's consumer key.
	ClientID string `yaml:"client_id,omitempty"`
	// Flow is the OAuth 2.0 flow: jwt (JWT bearer, signed with the private
	// key whose certificate the app holds) or client_credentials (the
	// app's consumer secret; the app's run-as user reads).
	Flow string `yaml:"flow,omitempty"`
	// Username is the user the JWT bearer flow reads as.
	Username string `yaml:"username,omitempty"`
	// PrivateKeyFile or PrivateKeyEnv hold the PEM RSA private key the
	// JWT is signed with (flow jwt); exactly one.
	PrivateKeyFile string `yaml:"private_key_file,omitempty"`
	PrivateKeyEnv  string `yaml:"private_key_env,omitempty"`
	// ClientSecretEnv or ClientSecretFile hold the consumer secret (flow
	// client_credentials); exactly one.
	ClientSecretEnv  string `yaml:"client_secret_env,omitempty"`
	ClientSecretFile string `yaml:"client_secret_file,omitempty"`
	// APIVersion is the REST API version, such as v62.0 (the default).
	APIVersion string `yaml:"api_version,omitempty"`
	// APIShare is the most of the org's daily API request limit a pull
	// may have used, between 0 and 1 (0.5 when 0).
	APIShare float64 `yaml:"api_share,omitempty"`
	// BulkThreshold: an object with more records to read than this goes
	// through Bulk API 2.0 instead of REST queries (50000 when 0).
	BulkThreshold int `yaml:"bulk_threshold,omitempty"`
	// BulkMaxWait is how long a Bulk API 2.0 query job may take to
	// complete (an hour when 0); past it the job is aborted and the pull
	// fails, its cursor unchanged.
	BulkMaxWait time.Duration `yaml:"bulk_max_wait,omitempty"`
	// Objects, when set, are the objects pulled (API names, such as
	// Opportunity); by default every object the Salesforce adapters read.
	Objects []string `yaml:"objects,omitempty"`
}

var (
	apiVersionRe = regexp.MustCompile(`^v[0-9]{2,3}\.0$`)
	objectNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]*$`)
)

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[2] (crm)"); it checks that the private key or
// secret can be read, so a missing variable or file stops the program at
// start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	login, err := etl.ParseBaseURL(s.loginURL(), "a host's address")
	if err != nil {
		bad("login_url", "%q %v", s.LoginURL, err)
	}
	if s.ClientID == "" {
		bad("client_id", "not set: the connected app's consumer key")
	}
	switch s.Flow {
	case FlowJWT:
		if s.Username == "" {
			bad("username", "not set: the user the JWT bearer flow reads as")
		}
		if s.ClientSecretEnv != "" || s.ClientSecretFile != "" {
			bad("client_secret_env", "is for flow client_credentials; flow jwt signs with private_key_file or private_key_env")
		}
		if _, err := s.privateKey(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
		}
	case FlowClientCredentials:
		if s.Username != "" || s.PrivateKeyEnv != "" || s.PrivateKeyFile != "" {
			bad("username", "username and private_key_* are for flow jwt; flow client_credentials reads as the app's run-as user")
		}
		// "The client credentials flow doesn't support calls to
		// login.salesforce.com or test.salesforce.com": it needs the org's
		// My Domain login URL.
		// https://help.salesforce.com/s/articleView?id=000886201&type=1
		if login != nil && isGenericLogin(login.Hostname()) {
			bad("login_url", "%s is refused by flow client_credentials, which needs the org's My Domain login URL (such as https://acme.my.salesforce.com, or https://acme--uat.sandbox.my.salesforce.com for a sandbox)", s.loginURL())
		}
		if _, err := s.clientSecret(); err != nil {
			errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
		}
	case "":
		bad("flow", "not set: jwt (JWT bearer, with username and a private key) or client_credentials (with a client secret)")
	default:
		bad("flow", "%q is not a flow; want jwt or client_credentials", s.Flow)
	}
	if s.APIVersion != "" && !apiVersionRe.MatchString(s.APIVersion) {
		bad("api_version", "%q is not an API version such as %s", s.APIVersion, DefaultAPIVersion)
	}
	if s.APIShare < 0 || s.APIShare > 1 {
		bad("api_share", "%g is not a share between 0 and 1 of the org's daily API limit", s.APIShare)
	}
	if s.BulkThreshold < 0 {
		bad("bulk_threshold", "%d is negative", s.BulkThreshold)
	}
	if s.BulkMaxWait < 0 {
		bad("bulk_max_wait", "%s is negative", s.BulkMaxWait)
	}
	for i, o := range s.Objects {
		if _, ok := adapterObject(o); !ok || !objectNameRe.MatchString(o) {
			bad(fmt.Sprintf("objects[%d]", i), "%q is not an object the Salesforce adapters read (%s)", o, strings.Join(adapterObjectNames(), ", "))
		}
	}
	return errors.Join(errs...)
}

// isGenericLogin says host is login.salesforce.com or test.salesforce.com,
// which serve every org, not one org's My Domain.
func isGenericLogin(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "login.salesforce.com" || host == "test.salesforce.com"
}

// privateKey reads and parses the JWT signing key.
func (s Settings) privateKey() (*rsa.PrivateKey, error) {
	pem, err := etl.Secret{Setting: "private_key", Env: s.PrivateKeyEnv, File: s.PrivateKeyFile, Holds: "the private key", FileFirst: true}.Read()
	if err != nil {
		return nil, err
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM([]byte(pem))
	if err != nil {
		setting := "private_key_file"
		if s.PrivateKeyEnv != "" {
			setting = "private_key_env"
		}
		// The parser's error quotes no key material.
		return nil, fmt.Errorf("%s: not a PEM RSA private key: %w", setting, err)
	}
	return key, nil
}

// clientSecret reads the consumer secret.
func (s Settings) clientSecret() (string, error) {
	return etl.Secret{Setting: "client_secret", Env: s.ClientSecretEnv, File: s.ClientSecretFile, Holds: "the client secret"}.Read()
}

func (s Settings) loginURL() string {
	if s.LoginURL == "" {
		return DefaultLoginURL
	}
	return strings.TrimRight(s.LoginURL, "/")
}

func (s Settings) apiVersion() string {
	if s.APIVersion == "" {
		return DefaultAPIVersion
	}
	return s.APIVersion
}

func (s Settings) apiShare() float64 {
	if s.APIShare == 0 {
		return DefaultAPIShare
	}
	return s.APIShare
}

func (s Settings) bulkThreshold() int {
	if s.BulkThreshold == 0 {
		return DefaultBulkThreshold
	}
	return s.BulkThreshold
}

func (s Settings) bulkMaxWait() time.Duration {
	if s.BulkMaxWait == 0 {
		return DefaultBulkMaxWait
	}
	return s.BulkMaxWait
}
