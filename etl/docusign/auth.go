package docusign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/precedent-dev/precedent/etl"
)

// scopes are the JWT grant's: signature for the eSignature REST API,
// impersonation to act as user_id.
const scopes = "signature impersonation"

// consentDocs is DocuSign's page on granting an integration key consent.
const consentDocs = "https://developers.docusign.com/platform/auth/consent/"

// ensureToken gets an access token when there is none yet or the one there
// is about to expire.
func (c *client) ensureToken(ctx context.Context) error {
	if c.token != "" && c.now().Before(c.renewAt) {
		return nil
	}
	return c.grant(ctx)
}

// grant gets an access token with the JWT grant
// (https://developers.docusign.com/platform/auth/jwt/jwt-get-token/): an
// assertion signed with the app's RSA key (RS256) naming the integration
// key (iss), the user (sub), the authentication service (aud) and the
// scopes, posted to /oauth/token.
func (c *client) grant(ctx context.Context) error {
	now := c.now()
	assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
		"iss":   c.settings.IntegrationKey,
		"sub":   c.settings.UserID,
		"aud":   c.auth.Host,
		"iat":   now.Unix(),
		"exp":   now.Add(time.Hour).Unix(),
		"scope": scopes,
	}).SignedString(c.key)
	if err != nil {
		return fmt.Errorf("sign the JWT assertion: %w", err)
	}
	c.secrets = append(c.secrets, assertion)
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:jwt-bearer"}, "assertion": {assertion}}.Encode()
	body, err := c.do(ctx, "POST /oauth/token", func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.auth.String()+"/oauth/token", strings.NewReader(form))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		return req, err
	}, false)
	if err != nil {
		return c.grantError(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.AccessToken == "" || tok.ExpiresIn <= 0 {
		return errors.New("POST /oauth/token: the answer holds no access_token and expires_in")
	}
	c.token = tok.AccessToken
	c.secrets = append(c.secrets, tok.AccessToken)
	// A new token a little before this one expires: a tenth of its
	// lifetime, at most 5 minutes, before.
	life := time.Duration(tok.ExpiresIn) * time.Second
	c.renewAt = now.Add(life - min(life/10, 5*time.Minute))
	return nil
}

// grantError says what to do about a refused JWT grant.
func (c *client) grantError(err error) error {
	var ae *apiError
	if !errors.As(err, &ae) || ae.status != http.StatusBadRequest {
		return err
	}
	switch ae.code {
	case "consent_required":
		consent := c.auth.String() + "/oauth/auth?response_type=code&scope=signature%20impersonation&client_id=" + url.QueryEscape(c.settings.IntegrationKey) + "&redirect_uri=<a redirect URI of the app>"
		return fmt.Errorf("%w: user %s has not granted integration key %s consent for the scopes %q; an administrator grants it once for the organization (admin consent), or the user does, signed in, by opening %s (see %s)",
			err, c.settings.UserID, c.settings.IntegrationKey, scopes, consent, consentDocs)
	case "invalid_grant":
		return fmt.Errorf("%w: check integration_key, user_id, auth_server (account-d.docusign.com for developer accounts) and that the private key is one of the integration key's RSA key pairs", err)
	}
	return err
}

// connect gets the first access token and the account's REST API address:
// the account of account_id, else the user's default one, from
// /oauth/userinfo (https://developers.docusign.com/platform/auth/reference/user-info/).
func (c *client) connect(ctx context.Context) error {
	body, err := c.do(ctx, "GET /oauth/userinfo", func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, c.auth.String()+"/oauth/userinfo", nil)
	}, true)
	if err != nil {
		return err
	}
	var info struct {
		Accounts []struct {
			AccountID string `json:"account_id"`
			IsDefault bool   `json:"is_default"`
			BaseURI   string `json:"base_uri"`
		} `json:"accounts"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return fmt.Errorf("GET /oauth/userinfo: the answer is not JSON: %w", err)
	}
	for _, a := range info.Accounts {
		if (c.settings.AccountID == "" && a.IsDefault) || strings.EqualFold(a.AccountID, c.settings.AccountID) {
			u, err := etl.ParseBaseURL(a.BaseURI, "the account's address")
			if err != nil {
				return fmt.Errorf("GET /oauth/userinfo: account %s's base_uri %q %w", a.AccountID, a.BaseURI, err)
			}
			c.path = "/restapi/v2.1/accounts/" + url.PathEscape(a.AccountID)
			c.rest = u.String() + c.path
			return nil
		}
	}
	if c.settings.AccountID != "" {
		return fmt.Errorf("account_id %s is not one of user %s's accounts", c.settings.AccountID, c.settings.UserID)
	}
	return fmt.Errorf("user %s has no default account: set account_id", c.settings.UserID)
}

// get reads one REST API answer into v.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	call := "GET " + path + "?" + q.Encode()
	body, err := c.do(ctx, call, func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodGet, c.rest+path+"?"+q.Encode(), nil)
	}, true)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: the answer is not JSON: %w", call, err)
	}
	return nil
}
