// Package postgres pulls the tables a connector (Fivetran, Airbyte,
// Stitch) keeps in a PostgreSQL database into a source's landing folder,
// one Parquet file per table and run, incrementally by the connector's
// sync time. The run then loads the landed files through the same
// adapters as exported files (package etl reads data/landing/<source>/ as
// part of its source). It reads PostgreSQL with pgx and writes Parquet
// with DuckDB; it never writes the database and never logs a secret.
package postgres

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
)

// Settings configure one connector database: sources[i] of kind postgres.
type Settings struct {
	// DSN is a libpq connection string or postgres:// URL without the
	// password, such as postgres://precedent_reader@db:5432/warehouse?sslmode=require.
	DSN string `yaml:"dsn"`
	// PasswordEnv names an environment variable holding the password;
	// PasswordFile a file holding it (a trailing line break is dropped).
	// At most one; neither when the server needs none.
	PasswordEnv  string `yaml:"password_env,omitempty"`
	PasswordFile string `yaml:"password_file,omitempty"`
	// Schemas names, per vendor, the schema its connector writes:
	// salesforce: fivetran_salesforce, stripe: stripe, netsuite: netsuite2.
	Schemas map[string]string `yaml:"schemas"`
}

var (
	schemaRe     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_$]*$`)
	kvPasswordRe = regexp.MustCompile(`(^|\s)password\s*=`)
)

// Validate checks the settings, naming the setting that is wrong after
// prefix (such as "sources[0] (crm)"); it checks that the password can be
// read, so a missing variable or file stops the program at start-up.
func (s Settings) Validate(prefix string) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s.%s: %s", prefix, setting, fmt.Sprintf(format, args...)))
	}
	switch {
	case strings.TrimSpace(s.DSN) == "":
		bad("dsn", "empty: name the database, such as postgres://precedent_reader@db:5432/warehouse")
	case hasPassword(s.DSN):
		bad("dsn", "holds a password: remove it and set password_env or password_file")
	case strings.Contains(s.DSN, "://"):
		if u, err := url.Parse(s.DSN); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			bad("dsn", "not a postgres:// URL or a key=value connection string")
		}
	}
	if _, err := s.Password(); err != nil {
		errs = append(errs, fmt.Errorf("%s.%w", prefix, err))
	}
	if len(s.Schemas) == 0 {
		bad("schemas", "empty: name the schema of each vendor the connector syncs, such as salesforce: fivetran_salesforce")
	}
	for _, v := range sortedKeys(s.Schemas) {
		if !slices.Contains(adapters.Vendors, v) || v == "precedent" {
			bad("schemas."+v, "no vendor Precedent reads; want one of salesforce, docusign, netsuite, hubspot, stripe, zendesk")
		}
		if !schemaRe.MatchString(s.Schemas[v]) {
			bad("schemas."+v, "%q is not a schema name", s.Schemas[v])
		}
	}
	return errors.Join(errs...)
}

// hasPassword says a DSN carries a password.
func hasPassword(dsn string) bool {
	if u, err := url.Parse(dsn); err == nil && strings.Contains(dsn, "://") {
		if _, ok := u.User.Password(); ok {
			return true
		}
		return u.Query().Has("password")
	}
	return kvPasswordRe.MatchString(dsn)
}

// Password reads the password from password_env or password_file; ""
// when neither is set. Its error names the setting, never the value.
func (s Settings) Password() (string, error) {
	return etl.Secret{Setting: "password", Env: s.PasswordEnv, File: s.PasswordFile, Optional: true}.Read()
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
