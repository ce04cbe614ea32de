package salesforce

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/precedent-dev/precedent/etl"
)

// tokenPath is the OAuth 2.0 token endpoint, under the login URL.
const tokenPath = "/services/oauth2/token"

// token is what the token endpoint answers, besides fields not used.
type token struct {
	AccessToken string `json:"access_token"`
	InstanceURL string `json:"instance_url"`
	TokenType   string `json:"token_type"`
}

// authenticator gets access tokens with the settings' flow: the JWT
// bearer flow (RFC 7523, a JWT signed RS256 with the private key), or the
// client credentials flow (the consumer key and secret).
type authenticator struct {
	settings Settings
	key      *rsa.PrivateKey // flow jwt
	secret   string          // flow client_credentials
}

func newAuthenticator(s Settings) (*authenticator, error) {
	a := &authenticator{settings: s}
	var err error
	switch s.Flow {
	case FlowJWT:
		a.key, err = s.privateKey()
	case FlowClientCredentials:
		a.secret, err = s.clientSecret()
	default:
		err = fmt.Errorf("flow: %q is not a flow; want jwt or client_credentials", s.Flow)
	}
	return a, err
}

// form is the token request's body. Its assertion or secret must not
// appear in an error.
func (a *authenticator) form() (url.Values, error) {
	f := url.Values{}
	switch a.settings.Flow {
	case FlowJWT:
		// The claims the JWT bearer flow asks for: the app's consumer key
		// as issuer, the username as subject, the login URL as audience,
		// and an expiry within 3 minutes.
		// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm
		claims := jwt.RegisteredClaims{
			Issuer:    a.settings.ClientID,
			Subject:   a.settings.Username,
			Audience:  jwt.ClaimStrings{a.settings.loginURL()},
			ExpiresAt: jwt.NewNumericDate(time.Now().Add(3 * time.Minute)),
		}
		assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(a.key)
		if err != nil {
			return nil, fmt.Errorf("sign the JWT: %w", err)
		}
		f.Set("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
		f.Set("assertion", assertion)
	case FlowClientCredentials:
		// https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm
		f.Set("grant_type", "client_credentials")
		f.Set("client_id", a.settings.ClientID)
		f.Set("client_secret", a.secret)
	}
	return f, nil
}

// secrets are the values redacted from errors.
func (a *authenticator) secrets() []string {
	if a.secret != "" {
		return []string{a.secret, url.QueryEscape(a.secret)}
	}
	return nil
}

// request asks the token endpoint for an access token once. A refusal
// (400 or 401 with an OAuth error) is not retried; wait says how long to
// wait before retrying a 5xx or a network error, 0 when it must not be.
func (a *authenticator) request(ctx context.Context, hc *http.Client, backoff time.Duration) (token, time.Duration, error) {
	form, err := a.form()
	if err != nil {
		return token{}, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.settings.loginURL()+tokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return token{}, 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return token{}, 0, ctx.Err()
		}
		// The error names the URL, never the form.
		return token{}, backoff, fmt.Errorf("POST %s: %w", tokenPath, err)
	}
	defer res.Body.Close()
	body, err := etl.ReadBounded(res.Body, maxJSONBody)
	if err != nil {
		return token{}, backoff, fmt.Errorf("POST %s: %w", tokenPath, err)
	}
	switch {
	case res.StatusCode == http.StatusOK:
		var t token
		if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" || t.InstanceURL == "" {
			return token{}, 0, fmt.Errorf("POST %s: the answer holds no access_token and instance_url", tokenPath)
		}
		if _, err := etl.ParseBaseURL(t.InstanceURL, "a host's address"); err != nil {
			return token{}, 0, fmt.Errorf("POST %s: instance_url %q %v", tokenPath, t.InstanceURL, err)
		}
		t.InstanceURL = strings.TrimRight(t.InstanceURL, "/")
		return t, 0, nil
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return token{}, 0, fmt.Errorf("POST %s: %d a redirect to %q, not followed (login_url may be wrong)", tokenPath, res.StatusCode, res.Header.Get("Location"))
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests:
		return token{}, backoff, fmt.Errorf("POST %s: %d %s", tokenPath, res.StatusCode, oauthMessage(body))
	}
	return token{}, 0, fmt.Errorf("POST %s: %d Salesforce refused the %s credentials (client_id, %s): %s",
		tokenPath, res.StatusCode, a.settings.Flow, a.credentialSettings(), oauthMessage(body))
}

// credentialSettings names the settings a refused token request used.
func (a *authenticator) credentialSettings() string {
	if a.settings.Flow == FlowJWT {
		return "username and the private key"
	}
	return "the client secret"
}

// oauthMessage is what an OAuth error answer says: its error and
// error_description (RFC 6749 5.2), else the body's start.
func oauthMessage(body []byte) string {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return strings.TrimSuffix(e.Error+": "+e.Description, ": ")
	}
	return start(body)
}

// start is the first 200 characters of a body.
func start(body []byte) string {
	s := strings.TrimSpace(string(body))
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
