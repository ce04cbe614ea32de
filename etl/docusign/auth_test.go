package docusign_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/docusign"
	"github.com/precedent-dev/precedent/etl/docusign/docusignfake"
)

// pullOnce pulls straight into a temporary landing folder, run 1.
func pullOnce(t *testing.T, src *docusign.Source) (etl.PullReport, error) {
	t.Helper()
	dir := t.TempDir()
	landing := filepath.Join(dir, "landing", "esign")
	if err := os.MkdirAll(landing, 0o755); err != nil {
		t.Fatal(err)
	}
	return src.Pull(context.Background(), etl.PullEnv{RunID: 1, Landing: landing, Cursors: filepath.Join(dir, "cursors.json")})
}

// sixEnvelopes are five pages of two: each page after the first lists
// again the envelope landed last, at the cursor it asks from.
func sixEnvelopes() []map[string]any {
	var out []map[string]any
	for i := range 6 {
		id := fmt.Sprintf("4b728be4-%04d-4d6e-9a1a-7c5d0e0f%04d", 10+i, 10+i)
		out = append(out, docusignfake.Envelope(id, "sent", fmt.Sprintf("2025-08-%02dT10:00:00.0000000Z", 1+i), "0065g00000Ap2Bb"))
	}
	return out
}

// TestTokenRenewedBeforeExpiry: DocuSign's clock moves 30 minutes a page,
// so the first access token (an hour) has expired by the third page and
// the second by the fifth; the pull gets a new one before each does, and
// no call is refused.
func TestTokenRenewedBeforeExpiry(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes, fake.PageTime = sixEnvelopes(), 30*time.Minute
	rep, err := pullOnce(t, source(t, fake, keyPEM))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Objects[0].Rows != 6 {
		t.Errorf("pulled %+v, want 6 envelopes", rep.Objects)
	}
	if len(fake.Grants) != 3 || fake.Answered[http.StatusUnauthorized] != 0 {
		t.Errorf("%d grants and %d calls refused, want 3 grants and none refused: %v", len(fake.Grants), fake.Answered[http.StatusUnauthorized], fake.Reset())
	}
}

// TestQuotaReserve: with 102 calls left of 1000 this hour, the pull makes
// two calls and stops before the third would leave less than the 10%
// api_reserve keeps for other integrations, landing what it read and
// saying so.
func TestQuotaReserve(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes, fake.Limit, fake.Remaining = sixEnvelopes(), 1000, 102
	rep, err := pullOnce(t, source(t, fake, keyPEM))
	if err == nil || !strings.Contains(err.Error(), "stopped before DocuSign's hourly API limit: 100 of 1000 calls are left this hour and api_reserve keeps 10% (100)") {
		t.Fatalf("got %v, want the pull stopped by the reserve", err)
	}
	if o := rep.Objects[0]; o.Rows != 3 || o.Cursor != "2025-08-03T10:00:00.0000000Z" {
		t.Errorf("pulled %+v, want the two pages read landed and the cursor theirs", o)
	}
	if n := strings.Count(strings.Join(fake.Reset(), "\n"), "/envelopes?"); n != 2 {
		t.Errorf("%d envelopes calls, want 2", n)
	}
}

// TestRateLimitTooLong: a 429 whose reset is an hour away fails the pull
// at once, saying when the limit resets.
func TestRateLimitTooLong(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	fake := docusignfake.New(t, &key.PublicKey)
	fake.Envelopes = sixEnvelopes()
	fake.Fail[listCall("2025-01-01T00:00:00Z", 0)] = []docusignfake.Failure{{Status: http.StatusTooManyRequests, Reset: time.Hour, Times: -1}}
	_, err := pullOnce(t, source(t, fake, keyPEM))
	if err == nil || !strings.Contains(err.Error(), "429 HOURLY_APIINVOCATION_LIMIT_EXCEEDED: The maximum number of hourly API invocations has been exceeded.; DocuSign's hourly API limit (X-RateLimit-Limit 3000) resets at") ||
		!strings.Contains(err.Error(), "later than a pull waits (10m0s)") {
		t.Fatalf("got %v, want the 429 and when the limit resets", err)
	}
	if n := strings.Count(strings.Join(fake.Reset(), "\n"), "/envelopes?"); n != 1 {
		t.Errorf("%d envelopes calls, want 1", n)
	}
}

// TestAuthErrors: what a refused grant or token says; never a secret.
func TestAuthErrors(t *testing.T) {
	key, keyPEM := docusignfake.NewKey(t)
	_, otherPEM := docusignfake.NewKey(t)
	for _, tt := range []struct {
		name  string
		edit  func(*docusignfake.DocuSign, *docusign.Source)
		want  []string
		calls int
	}{
		{"WrongKey", func(_ *docusignfake.DocuSign, s *docusign.Source) { t.Setenv("TEST_DOCUSIGN_KEY", otherPEM) },
			[]string{"POST /oauth/token: 400 invalid_grant: no_valid_keys_or_signatures: check integration_key, user_id, auth_server", "one of the integration key's RSA key pairs"}, 1},
		{"ConsentRequired", func(f *docusignfake.DocuSign, _ *docusign.Source) { delete(f.Consented, docusignfake.UserID) },
			[]string{"POST /oauth/token: 400 consent_required: user " + docusignfake.UserID + " has not granted integration key " + docusignfake.IntegrationKey + " consent for the scopes \"signature impersonation\"",
				"/oauth/auth?response_type=code&scope=signature%20impersonation&client_id=" + docusignfake.IntegrationKey, "https://developers.docusign.com/platform/auth/consent/"}, 1},
		{"TokenRefused", func(f *docusignfake.DocuSign, _ *docusign.Source) { f.Refuse = true },
			[]string{"401 USER_AUTHENTICATION_FAILED: One or both of Username and Password are invalid. Invalid access token: DocuSign refused a new access token too"}, 5},
		{"NoSuchAccount", func(_ *docusignfake.DocuSign, s *docusign.Source) {
			s.Settings.AccountID = "00000000-0000-4000-8000-000000000000"
		},
			[]string{"account_id 00000000-0000-4000-8000-000000000000 is not one of user " + docusignfake.UserID + "'s accounts"}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := docusignfake.New(t, &key.PublicKey)
			fake.Envelopes = sixEnvelopes()
			src := source(t, fake, keyPEM)
			tt.edit(fake, src)
			_, err := pullOnce(t, src)
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("got %v, want %q", err, w)
				}
			}
			if calls := fake.Reset(); len(calls) != tt.calls {
				t.Errorf("calls %v, want %d (a refused grant is not retried; a refused token renewed once)", calls, tt.calls)
			}
			for tok := range fake.Tokens {
				if err != nil && strings.Contains(err.Error(), tok) {
					t.Errorf("the error holds access token %s", tok)
				}
			}
			if err != nil && (strings.Contains(err.Error(), "PRIVATE KEY") || strings.Contains(err.Error(), "eyJhbGciOiJSUzI1NiIs")) {
				t.Errorf("the error holds the key or an assertion: %v", err)
			}
		})
	}
}

// TestValidate checks the settings' messages, each naming the setting.
func TestValidate(t *testing.T) {
	_, keyPEM := docusignfake.NewKey(t)
	keyFile := filepath.Join(t.TempDir(), "docusign.pem")
	if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	notKey := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(notKey, []byte("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := docusign.Settings{AuthServer: "account-d.docusign.com", IntegrationKey: docusignfake.IntegrationKey, UserID: docusignfake.UserID, PrivateKeyFile: keyFile, FromDate: "2024-01-01"}
	reserve := 95
	for _, tt := range []struct {
		name string
		edit func(*docusign.Settings)
		want string
	}{
		{"OK", func(*docusign.Settings) {}, ""},
		{"OKLoopback", func(s *docusign.Settings) { s.AuthServer = "http://127.0.0.1:8099" }, ""},
		{"ErrAuthServer", func(s *docusign.Settings) { s.AuthServer = "" }, "p.auth_server: not set: account-d.docusign.com"},
		{"ErrAuthServerHTTP", func(s *docusign.Settings) { s.AuthServer = "http://account.docusign.com" }, "p.auth_server: \"http://account.docusign.com\" is not https"},
		{"ErrAuthServerPath", func(s *docusign.Settings) { s.AuthServer = "account.docusign.com/oauth/token" }, "is not the authentication service's host alone"},
		{"ErrIntegrationKey", func(s *docusign.Settings) { s.IntegrationKey = "my-app" }, "p.integration_key: \"my-app\" is not a GUID"},
		{"ErrUserID", func(s *docusign.Settings) { s.UserID = "" }, "p.user_id: not set"},
		{"ErrAccountID", func(s *docusign.Settings) { s.AccountID = "12345" }, "p.account_id: \"12345\" is not a GUID"},
		{"ErrFromDate", func(s *docusign.Settings) { s.FromDate = "01/02/2024" }, "p.from_date: \"01/02/2024\" is not a date"},
		{"ErrNoFromDate", func(s *docusign.Settings) { s.FromDate = "" }, "p.from_date: not set"},
		{"ErrReserve", func(s *docusign.Settings) { s.APIReserve = &reserve }, "p.api_reserve: 95 is not a percentage from 0 to 90"},
		{"ErrNoKey", func(s *docusign.Settings) { s.PrivateKeyFile = "" }, "p.private_key_file: not set"},
		{"ErrBothKeys", func(s *docusign.Settings) { s.PrivateKeyEnv = "DS_KEY" }, "p.private_key_file: and private_key_env are both set"},
		{"ErrKeyFile", func(s *docusign.Settings) { s.PrivateKeyFile = "/nonexistent/ds.pem" }, "p.private_key_file: cannot read /nonexistent/ds.pem"},
		{"ErrNotRSAKey", func(s *docusign.Settings) { s.PrivateKeyFile = notKey }, "p.private_key_file: not an RSA private key in PEM"},
		{"ErrKeyEnvUnset", func(s *docusign.Settings) { s.PrivateKeyFile, s.PrivateKeyEnv = "", "TEST_DOCUSIGN_UNSET" }, "p.private_key_env: environment variable TEST_DOCUSIGN_UNSET is not set"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := ok
			tt.edit(&s)
			err := s.Validate("p")
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}
