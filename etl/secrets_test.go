package etl_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
)

// TestSecret reads a secret from its variable or its file, and checks each
// wrong pair of settings is named in the error while the value never is.
func TestSecret(t *testing.T) {
	const value = "s3cr3t-value"
	t.Setenv("TEST_SECRET_SET", value)
	t.Setenv("TEST_SECRET_EMPTY", "")
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte(value+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name   string
		secret etl.Secret
		want   string // the value read, when err is ""
		err    string // the whole error
	}{
		{"OKEnv", etl.Secret{Setting: "token", Env: "TEST_SECRET_SET"}, value, ""},
		{"OKFile", etl.Secret{Setting: "token", File: file}, value, ""},
		{"OKOptionalNeither", etl.Secret{Setting: "password", Optional: true}, "", ""},
		{"ErrNeither", etl.Secret{Setting: "token", Holds: "an API token"}, "", "token_env: not set: name the environment variable (or token_file the file) holding an API token"},
		{"ErrNeitherFileFirst", etl.Secret{Setting: "private_key", Holds: "the private key", FileFirst: true}, "", "private_key_file: not set: name the file (or private_key_env the environment variable) holding the private key"},
		{"ErrBoth", etl.Secret{Setting: "token", Env: "TEST_SECRET_SET", File: file}, "", "token_env: and token_file are both set: keep one"},
		{"ErrBothFileFirst", etl.Secret{Setting: "private_key", Env: "TEST_SECRET_SET", File: file, FileFirst: true}, "", "private_key_file: and private_key_env are both set: keep one"},
		{"ErrBothOptional", etl.Secret{Setting: "password", Env: "TEST_SECRET_SET", File: file, Optional: true}, "", "password_env: and password_file are both set: keep one"},
		{"ErrEnvName", etl.Secret{Setting: "token", Env: "1TOKEN"}, "", `token_env: "1TOKEN" is not the name of an environment variable`},
		{"ErrEnvNameWithValue", etl.Secret{Setting: "token", Env: "TOKEN=" + value}, "", "token_env: \"TOKEN=" + value + "\" is not the name of an environment variable"},
		{"ErrEnvUnset", etl.Secret{Setting: "token", Env: "TEST_SECRET_UNSET_7F3"}, "", "token_env: environment variable TEST_SECRET_UNSET_7F3 is not set"},
		{"ErrEnvEmpty", etl.Secret{Setting: "token", Env: "TEST_SECRET_EMPTY"}, "", "token_env: environment variable TEST_SECRET_EMPTY is not set"},
		{"ErrFileMissing", etl.Secret{Setting: "token", File: missing}, "", "token_file: cannot read " + missing + ": no such file or directory"},
		{"ErrFileEmpty", etl.Secret{Setting: "token", File: empty}, "", "token_file: " + empty + " is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.secret.Read()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("got error %v, want %q", err, tt.want)
			case tt.err != "" && err == nil:
				t.Fatalf("got %q, want error %q", got, tt.err)
			case tt.err != "" && err.Error() != tt.err:
				t.Fatalf("got error %q, want %q", err, tt.err)
			case got != tt.want:
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			// A value is never quoted, except where the setting itself
			// holds it in place of a variable's name.
			if err != nil && tt.name != "ErrEnvNameWithValue" && strings.Contains(err.Error(), value) {
				t.Errorf("error %q quotes the secret", err)
			}
		})
	}
}

// TestBaseURL accepts an API's address over https, or over http to this
// host only, and refuses any other, or one with a path, query or user.
func TestBaseURL(t *testing.T) {
	const notAlone = "is not the API's address alone (no path, query or user)"
	tests := []struct {
		base string
		want string // the URL returned, when err is ""
		err  string
	}{
		{"https://api.hubapi.com", "https://api.hubapi.com", ""},
		{"https://api.hubapi.com/", "https://api.hubapi.com", ""},
		{"https://acme.zendesk.com:8443", "https://acme.zendesk.com:8443", ""},
		{"http://127.0.0.1:41234", "http://127.0.0.1:41234", ""},
		{"http://localhost:8080/", "http://localhost:8080", ""},
		{"http://[::1]:9000", "http://[::1]:9000", ""},
		{"http://api.hubapi.com", "", "is not https (http only to this host)"},
		{"http://10.0.0.5", "", "is not https (http only to this host)"},
		{"http://localhost.evil.example", "", "is not https (http only to this host)"},
		{"api.hubapi.com", "", "is not an https URL"},
		{"ftp://api.hubapi.com", "", "is not an https URL"},
		{"https://", "", "is not an https URL"},
		{"https://api hubapi.com", "", "is not an https URL"},
		{"https://api.hubapi.com/crm/v3", "", notAlone},
		{"https://api.hubapi.com?hapikey=x", "", notAlone},
		{"https://api.hubapi.com?", "", notAlone},
		{"https://user:pw@api.hubapi.com", "", notAlone},
	}
	for _, tt := range tests {
		t.Run(tt.base, func(t *testing.T) {
			u, err := etl.ParseBaseURL(tt.base, "the API's address")
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("got error %v, want %s", err, tt.want)
			case tt.err != "" && err == nil:
				t.Fatalf("got %s, want error %q", u, tt.err)
			case tt.err != "" && err.Error() != tt.err:
				t.Fatalf("got error %q, want %q", err, tt.err)
			case err == nil && u.String() != tt.want:
				t.Fatalf("got %s, want %s", u, tt.want)
			}
		})
	}
}
