package salesforce_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/salesforce"
	"github.com/precedent-dev/precedent/etl/salesforce/salesforcefake"
)

// TestJWT pulls with the JWT bearer flow: the fake verifies the
// assertion's RS256 signature with the certificate's public key and its
// iss, sub, aud and exp; a key the app does not hold is refused with
// invalid_grant, and the error holds no key material.
func TestJWT(t *testing.T) {
	f := salesforcefake.New(t)
	f.ClientID, f.Username = clientID, "integration@acme.example"
	f.AddObjects("User")
	f.Objects["User"].Records = []salesforcefake.Record{{"Id": "0055g00000SfU01AAA", "Name": "Ines Duarte", "SystemModstamp": "2025-10-01T08:00:00.000Z"}}
	key := rsaKey(t)
	f.PublicKey = &key.PublicKey
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "server.key")
	writeKey(t, keyFile, key)
	settings := salesforce.Settings{LoginURL: f.URL(), ClientID: clientID, Flow: salesforce.FlowJWT, Username: f.Username,
		PrivateKeyFile: keyFile, APIVersion: salesforcefake.APIVersion, Objects: []string{"User"}}
	if err := settings.Validate("sources[0] (crm)"); err != nil {
		t.Fatal(err)
	}
	src := &salesforce.Source{SourceName: "crm", Settings: settings, Retries: -1}
	env := etl.PullEnv{RunID: 1, Landing: filepath.Join(dir, "landing"), Cursors: filepath.Join(dir, "cursors.json")}
	rep, err := src.Pull(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Objects) != 1 || rep.Objects[0].Rows != 1 {
		t.Errorf("pulled %+v, want the one user", rep.Objects)
	}
	if got := f.Take(); !slices.Equal(got, []string{"token", "describe User", "queryAll User"}) {
		t.Errorf("calls %v", got)
	}

	writeKey(t, keyFile, rsaKey(t))
	_, err = src.Pull(context.Background(), env)
	if err == nil || !strings.Contains(err.Error(), "400 Salesforce refused the jwt credentials (client_id, username and the private key): invalid_grant: invalid assertion") {
		t.Errorf("got %v, want invalid_grant", err)
	}
	if err != nil && strings.Contains(err.Error(), "eyJ") {
		t.Errorf("the error holds the assertion: %v", err)
	}
}

// TestSettings checks that Validate names the setting that is wrong.
func TestSettings(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "server.key")
	writeKey(t, keyFile, rsaKey(t))
	notKey := filepath.Join(dir, "not.key")
	if err := os.WriteFile(notKey, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEST_SF_SECRET", secret)
	jwtOK := salesforce.Settings{ClientID: clientID, Flow: "jwt", Username: "u@acme.example", PrivateKeyFile: keyFile}
	for _, tc := range []struct {
		name string
		edit func(*salesforce.Settings)
		want string // "" when valid
	}{
		{"OK", func(*salesforce.Settings) {}, ""},
		{"OKClientCredentials", func(s *salesforce.Settings) {
			*s = salesforce.Settings{LoginURL: "https://acme.my.salesforce.com", ClientID: clientID, Flow: "client_credentials", ClientSecretEnv: "TEST_SF_SECRET", APIShare: 0.2, BulkThreshold: 10000, Objects: []string{"Opportunity"}}
		}, ""},
		{"ErrClientCredentialsLogin", func(s *salesforce.Settings) {
			*s = salesforce.Settings{ClientID: clientID, Flow: "client_credentials", ClientSecretEnv: "TEST_SF_SECRET"}
		}, "sources[0] (crm).login_url: https://login.salesforce.com is refused by flow client_credentials, which needs the org's My Domain login URL"},
		{"ErrClientCredentialsTest", func(s *salesforce.Settings) {
			*s = salesforce.Settings{LoginURL: "https://TEST.salesforce.com/", ClientID: clientID, Flow: "client_credentials", ClientSecretEnv: "TEST_SF_SECRET"}
		}, "login_url: https://TEST.salesforce.com is refused by flow client_credentials"},
		{"ErrFlow", func(s *salesforce.Settings) { s.Flow = "password" }, `sources[0] (crm).flow: "password" is not a flow`},
		{"ErrHTTP", func(s *salesforce.Settings) { s.LoginURL = "http://login.salesforce.com" }, "login_url: \"http://login.salesforce.com\" is not https"},
		{"ErrUsername", func(s *salesforce.Settings) { s.Username = "" }, "sources[0] (crm).username: not set"},
		{"ErrKeyNotPEM", func(s *salesforce.Settings) { s.PrivateKeyFile = notKey }, "sources[0] (crm).private_key_file: not a PEM RSA private key"},
		{"ErrKeyEnvUnset", func(s *salesforce.Settings) { s.PrivateKeyFile, s.PrivateKeyEnv = "", "TEST_SF_UNSET_KEY" }, "private_key_env: environment variable TEST_SF_UNSET_KEY is not set"},
		{"ErrShare", func(s *salesforce.Settings) { s.APIShare = 1.5 }, "api_share: 1.5 is not a share"},
		{"ErrBulkMaxWait", func(s *salesforce.Settings) { s.BulkMaxWait = -time.Minute }, "bulk_max_wait: -1m0s is negative"},
		{"ErrVersion", func(s *salesforce.Settings) { s.APIVersion = "62" }, `api_version: "62" is not an API version`},
		{"ErrObject", func(s *salesforce.Settings) { s.Objects = []string{"Lead"} }, `objects[0]: "Lead" is not an object the Salesforce adapters read`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := jwtOK
			tc.edit(&s)
			err := s.Validate("sources[0] (crm)")
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("got %v, want valid", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want %q", err, tc.want)
			case err != nil && strings.Contains(err.Error(), secret):
				t.Errorf("the error holds the secret")
			}
		})
	}
}

func rsaKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func writeKey(t *testing.T, path string, key *rsa.PrivateKey) {
	t.Helper()
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
