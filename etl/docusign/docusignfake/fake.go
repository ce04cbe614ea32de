// Package docusignfake is a DocuSign account for tests: an httptest server
// that answers as DocuSign's documentation shows (cited below), with the
// envelopes tests give it or a generated company's.
package docusignfake

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The integration key, user and account the fake knows (no real ones).
const (
	IntegrationKey = "7f3c2b1a-5d4e-4f60-8a9b-0c1d2e3f4a5b"
	UserID         = "4e8d2c6a-1b3f-4a5e-9c7d-2f1e0a9b8c7d"
	AccountID      = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
)

// DocuSign answers as DocuSign's documentation shows:
//   - the JWT grant, https://developers.docusign.com/platform/auth/jwt/jwt-get-token/:
//     POST /oauth/token with grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer
//     and an RS256 assertion (iss the integration key, sub the user, aud the
//     authentication service's host, iat, exp, scope "signature
//     impersonation"), verified with the public key of the integration
//     key's RSA pair; the answer is {"access_token", "token_type":
//     "Bearer", "expires_in": 3600}; a signature by another key answers 400
//     {"error":"invalid_grant","error_description":"no_valid_keys_or_signatures"},
//     a user who has not granted consent 400 {"error":"consent_required"}
//     (https://developers.docusign.com/platform/auth/consent/);
//   - the user info, https://developers.docusign.com/platform/auth/reference/user-info/:
//     GET /oauth/userinfo lists the user's accounts with account_id,
//     is_default, account_name and base_uri;
//   - Envelopes: listStatusChanges,
//     https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/:
//     GET /restapi/v2.1/accounts/{accountId}/envelopes with from_date
//     (required; changes at or after it), to_date ("the date and time to
//     stop looking for status changes. The default is the current date and
//     time", per the same page and the eSignature OpenAPI specification,
//     https://github.com/docusign/OpenAPI-Specifications), include=custom_fields,
//     order_by, order, start_position (the zero-based index of the first
//     result) and count; the answer holds resultSetSize, startPosition, endPosition,
//     totalSetSize (strings), nextUri (empty on the last page),
//     previousUri and envelopes; errors are errorDetails {errorCode,
//     message}: an expired access token 401 AUTHORIZATION_INVALID_TOKEN, an
//     unknown one 401 USER_AUTHENTICATION_FAILED;
//   - resource limits, https://developers.docusign.com/platform/account/api-resource-limits/:
//     every REST answer carries X-RateLimit-Limit, X-RateLimit-Remaining
//     and X-RateLimit-Reset (Unix seconds of the next hour), and
//     X-BurstLimit-*; past the limit, 429
//     HOURLY_APIINVOCATION_LIMIT_EXCEEDED until the reset;
//   - every answer carries Date, the server's time by its Clock
//     (https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1: an origin
//     server with a clock sends it).
type DocuSign struct {
	mu        sync.Mutex
	pub       *rsa.PublicKey
	Consented map[string]bool      // users who granted the integration key consent
	Clock     *Clock               // DocuSign's clock, which tokens expire by
	PageTime  time.Duration        // the clock moves this much each envelopes page
	Tokens    map[string]time.Time // access tokens issued, and when each expires
	Grants    []jwt.MapClaims      // the claims of the assertions granted
	refused   []string             // the errors of the grants refused
	calls     []string             // method path?query
	Answered  map[int]int          // answers by status
	Envelopes []map[string]any     // the account's envelopes as they are now
	// Fail answers a call with its failures, in turn, instead; key
	// path?query.
	Fail map[string][]Failure
	// Refuse refuses every access token on the REST API (a user who may
	// not use the account).
	Refuse bool
	// Expire makes the access token of a call with this path?query expire
	// just before it arrives, once.
	Expire map[string]bool
	// AfterList, when set, runs after each listStatusChanges page is
	// answered, with the fake locked: a test changes Envelopes in it, as
	// the account's users do while a pull pages.
	AfterList func()
	// Redirect answers every call to a path with 307 Temporary Redirect to
	// this address followed by the path and query (a misconfigured proxy
	// or a hostile network; DocuSign's calls do not redirect).
	Redirect  map[string]string
	Limit     int // X-RateLimit-Limit
	Remaining int // X-RateLimit-Remaining after this call
	srv       *httptest.Server
}

// Failure is how DocuSign answers a call instead of serving it.
type Failure struct {
	Status int
	Reset  time.Duration // X-RateLimit-Reset this long after now (a 429)
	Sleep  time.Duration // answer this late (a timeout)
	Times  int           // how many calls it answers; -1: all
}

// Clock is DocuSign's clock: the time of day, moved on by hand as tests
// need (a token's hour passing in a test's second), or stopped.
type Clock struct {
	mu    sync.Mutex
	ahead time.Duration
	at    time.Time // where a stopped clock stands; zero while it runs
}

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.at.IsZero() {
		return c.at.Add(c.ahead)
	}
	return time.Now().Add(c.ahead)
}

// Stop stops the clock at t: from then on it moves only by Advance.
func (c *Clock) Stop(t time.Time) {
	c.mu.Lock()
	c.at, c.ahead = t, 0
	c.mu.Unlock()
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.ahead += d
	c.mu.Unlock()
}

// New starts a DocuSign account without envelopes, closed when tb ends,
// whose integration key's RSA key pair has the public key pub; user UserID
// has granted it consent.
func New(tb testing.TB, pub *rsa.PublicKey) *DocuSign {
	f := &DocuSign{pub: pub, Consented: map[string]bool{UserID: true}, Clock: &Clock{},
		Tokens: map[string]time.Time{}, Answered: map[int]int{}, Fail: map[string][]Failure{}, Expire: map[string]bool{}, Redirect: map[string]string{},
		Limit: 3000, Remaining: 2990}
	f.srv = httptest.NewServer(f)
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the address of the authentication service and the account's
// base_uri.
func (f *DocuSign) URL() string { return f.srv.URL }

// Host is the authentication service's host, the assertions' audience.
func (f *DocuSign) Host() string { return f.srv.Listener.Addr().String() }

func (f *DocuSign) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	call := r.URL.Path + "?" + r.URL.RawQuery
	f.calls = append(f.calls, r.Method+" "+call)
	status, body, sleep := f.answer(w, r, call)
	f.Answered[status]++
	f.mu.Unlock()
	time.Sleep(sleep)
	w.Header().Set("Date", f.Clock.Now().UTC().Format(http.TimeFormat))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(body)
}

// answer is the answer to a call, and how late to send it.
func (f *DocuSign) answer(w http.ResponseWriter, r *http.Request, call string) (int, []byte, time.Duration) {
	if to, ok := f.Redirect[r.URL.Path]; ok {
		w.Header().Set("Location", to+r.URL.RequestURI())
		return http.StatusTemporaryRedirect, nil, 0
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/oauth/token":
		return f.token(r)
	case r.Method == http.MethodGet && r.URL.Path == "/oauth/userinfo":
		if status, body := f.bearer(r); status != 0 {
			return status, body, 0
		}
		return jsonAnswer(map[string]any{
			"sub": UserID, "name": "Dana Ops", "given_name": "Dana", "family_name": "Ops",
			"created": "2023-04-13T22:03:03.45", "email": "dana.ops@northwind.example",
			"accounts": []map[string]any{
				{"account_id": "0f9e8d7c-6b5a-4c3d-2e1f-0a9b8c7d6e5f", "is_default": false, "account_name": "Northwind Sandbox", "base_uri": "https://demo.docusign.net"},
				{"account_id": AccountID, "is_default": true, "account_name": "Northwind Analytics", "base_uri": f.srv.URL},
			},
		})
	case r.Method == http.MethodGet && r.URL.Path == "/restapi/v2.1/accounts/"+AccountID+"/envelopes":
		if f.Expire[call] {
			delete(f.Expire, call)
			for tok := range f.Tokens {
				f.Tokens[tok] = f.Clock.Now().Add(-time.Second)
			}
		}
		if status, body := f.bearer(r); status != 0 || f.Refuse {
			if f.Refuse {
				return http.StatusUnauthorized, errorDetails("USER_AUTHENTICATION_FAILED", "One or both of Username and Password are invalid. Invalid access token"), 0
			}
			return status, body, 0
		}
		f.Remaining--
		reset := time.Now().Truncate(time.Hour).Add(time.Hour)
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(f.Limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(max(f.Remaining, 0)))
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		w.Header().Set("X-BurstLimit-Limit", "500")
		w.Header().Set("X-BurstLimit-Remaining", "499")
		if fails := f.Fail[call]; len(fails) > 0 {
			fl := fails[0]
			if fl.Times > 0 {
				if fails[0].Times--; fails[0].Times == 0 {
					f.Fail[call] = fails[1:]
				}
			}
			switch {
			case fl.Sleep > 0:
				status, body, _ := f.list(r)
				return status, body, fl.Sleep
			case fl.Status == http.StatusTooManyRequests:
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(fl.Reset).Unix(), 10))
				return fl.Status, errorDetails("HOURLY_APIINVOCATION_LIMIT_EXCEEDED", "The maximum number of hourly API invocations has been exceeded."), 0
			}
			return fl.Status, errorDetails("UNSPECIFIED_ERROR", "An unexpected error occurred."), 0
		}
		return f.list(r)
	}
	return http.StatusNotFound, errorDetails("RESOURCE_NOT_FOUND", "The URL provided does not resolve to a resource."), 0
}

// token answers the JWT grant.
func (f *DocuSign) token(r *http.Request) (int, []byte, time.Duration) {
	refuse := func(code, description string) (int, []byte, time.Duration) {
		f.refused = append(f.refused, code+" "+description)
		body := map[string]string{"error": code}
		if description != "" {
			body["error_description"] = description
		}
		b, _ := json.Marshal(body)
		return http.StatusBadRequest, b, 0
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
		return refuse("unsupported_grant_type", "")
	}
	tok, err := jwt.Parse(r.PostForm.Get("assertion"), func(*jwt.Token) (any, error) { return f.pub, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(f.srv.Listener.Addr().String()),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(f.Clock.Now))
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return refuse("invalid_grant", "no_valid_keys_or_signatures")
	case err != nil:
		return refuse("invalid_grant", "invalid_request")
	}
	claims := tok.Claims.(jwt.MapClaims)
	iat, _ := claims.GetIssuedAt()
	exp, _ := claims.GetExpirationTime()
	switch {
	case claims["iss"] != IntegrationKey:
		return refuse("invalid_grant", "issuer_not_found")
	case exp.Sub(iat.Time) > time.Hour:
		return refuse("invalid_grant", "invalid_request")
	case !slices.Equal(strings.Fields(fmt.Sprint(claims["scope"])), []string{"signature", "impersonation"}):
		return refuse("invalid_scope", "")
	case !f.Consented[fmt.Sprint(claims["sub"])]:
		return refuse("consent_required", "")
	}
	f.Grants = append(f.Grants, claims)
	access := fmt.Sprintf("eyJ0eXAiOiJNVCIsImFsZyI6IlJTMjU2In0.fake-access-%d", len(f.Grants))
	f.Tokens[access] = f.Clock.Now().Add(time.Hour)
	return jsonAnswer(map[string]any{"access_token": access, "token_type": "Bearer", "expires_in": 3600})
}

// bearer checks a call's access token: a status and body when it is
// refused, else 0.
func (f *DocuSign) bearer(r *http.Request) (int, []byte) {
	access, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	expires, issued := f.Tokens[access]
	switch {
	case !ok || !issued:
		return http.StatusUnauthorized, errorDetails("USER_AUTHENTICATION_FAILED", "One or both of Username and Password are invalid. Invalid access token")
	case !f.Clock.Now().Before(expires):
		return http.StatusUnauthorized, errorDetails("AUTHORIZATION_INVALID_TOKEN", "The access token provided is expired, revoked or malformed.")
	}
	return 0, nil
}

// list answers listStatusChanges: the envelopes whose status changed at
// or after from_date and at or before to_date (now when not given), oldest
// change first when asked (order_by status_changed, order asc), a page of
// them.
func (f *DocuSign) list(r *http.Request) (int, []byte, time.Duration) {
	q := r.URL.Query()
	from, err := time.Parse(time.RFC3339Nano, q.Get("from_date"))
	if err != nil {
		return http.StatusBadRequest, errorDetails("INVALID_REQUEST_PARAMETER", "The request contained at least one invalid parameter. A value for 'from_date', 'envelope_ids' or 'transaction_ids' must be specified."), 0
	}
	to := f.Clock.Now()
	if s := q.Get("to_date"); s != "" {
		if to, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return http.StatusBadRequest, errorDetails("INVALID_REQUEST_PARAMETER", "The request contained at least one invalid parameter."), 0
		}
	}
	var list []map[string]any
	for _, e := range f.Envelopes {
		if t, _ := time.Parse(time.RFC3339Nano, e["statusChangedDateTime"].(string)); !t.Before(from) && !t.After(to) {
			e := maps.Clone(e)
			if !strings.Contains(q.Get("include"), "custom_fields") {
				delete(e, "customFields")
			}
			list = append(list, e)
		}
	}
	if q.Get("order_by") == "status_changed" && q.Get("order") == "asc" {
		slices.SortStableFunc(list, func(a, b map[string]any) int {
			return strings.Compare(a["statusChangedDateTime"].(string), b["statusChangedDateTime"].(string))
		})
	}
	start, _ := strconv.Atoi(q.Get("start_position"))
	n, err := strconv.Atoi(q.Get("count"))
	if err != nil {
		n = 100
	}
	pg := list[min(start, len(list)):min(start+n, len(list))]
	next := ""
	if start+len(pg) < len(list) {
		nq := r.URL.Query()
		nq.Set("start_position", strconv.Itoa(start+len(pg)))
		next = "/accounts/" + AccountID + "/envelopes?" + nq.Encode()
	}
	f.Clock.Advance(f.PageTime)
	answer := map[string]any{
		"resultSetSize": strconv.Itoa(len(pg)), "startPosition": strconv.Itoa(start),
		"endPosition": strconv.Itoa(start + len(pg) - 1), "totalSetSize": strconv.Itoa(len(list)),
		"nextUri": next, "previousUri": "",
	}
	if len(pg) > 0 {
		answer["envelopes"] = pg
	}
	status, body, _ := jsonAnswer(answer)
	if f.AfterList != nil {
		f.AfterList()
	}
	return status, body, 0
}

// Envelope is an envelope as listStatusChanges with include=custom_fields
// lists it, its DocuSign for Salesforce custom field ##SFOpportunity naming
// the opportunity (a 15-character id).
func Envelope(id, status, changed, opportunity string) map[string]any {
	e := map[string]any{
		"envelopeId": id, "status": status, "emailSubject": "Please DocuSign: Apex order form", "emailBlurb": "",
		"envelopeUri": "/envelopes/" + id, "recipientsUri": "/envelopes/" + id + "/recipients",
		"documentsUri": "/envelopes/" + id + "/documents", "customFieldsUri": "/envelopes/" + id + "/custom_fields",
		"notificationUri": "/envelopes/" + id + "/notification", "certificateUri": "/envelopes/" + id + "/documents/certificate",
		"createdDateTime": "2025-03-25T15:02:11.0970000Z", "sentDateTime": "2025-03-25T15:02:13.2470000Z",
		"initialSentDateTime": "2025-03-25T15:02:13.2470000Z", "lastModifiedDateTime": changed, "statusChangedDateTime": changed,
		"purgeState": "unpurged", "envelopeIdStamping": "true", "is21CFRPart11": "false", "signerCanSignOnMobile": "true",
		"isSignatureProviderEnvelope": "false", "allowReassign": "true", "expireEnabled": "true", "expireAfter": "120",
		"sender": map[string]any{"userName": "Dana Ops", "userId": UserID, "accountId": AccountID, "email": "dana.ops@northwind.example"},
		"customFields": map[string]any{
			"textCustomFields": []map[string]any{
				{"fieldId": "10541937601", "name": "##SFOpportunity", "show": "false", "required": "false", "value": opportunity},
			},
			"listCustomFields": []any{},
		},
	}
	switch status {
	case "completed":
		e["deliveredDateTime"], e["completedDateTime"] = changed, changed
	case "voided":
		e["voidedDateTime"], e["voidedReason"] = changed, "Corrected order form"
	case "declined":
		e["declinedDateTime"] = changed
	}
	return e
}

func jsonAnswer(v any) (int, []byte, time.Duration) {
	b, _ := json.Marshal(v)
	return http.StatusOK, b, 0
}

func errorDetails(code, message string) []byte {
	b, _ := json.Marshal(map[string]string{"errorCode": code, "message": message})
	return b
}

// Reset returns the calls made since the last Reset.
func (f *DocuSign) Reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

// NewKey makes an RSA key pair and its private key in PEM.
func NewKey(tb testing.TB) (*rsa.PrivateKey, string) {
	tb.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}
