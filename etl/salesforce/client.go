package salesforce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
)

// maxRetryAfter bounds a wait a 429's Retry-After asks for.
const maxRetryAfter = 10 * time.Minute

// errNotFound is a 404: an object the org does not have (CPQ's, Advanced
// Approvals', the currency objects without multiple currencies).
var errNotFound = errors.New("not found")

// ErrAPIShare is the error of a pull stopped before it would use more of
// the org's daily API limit than api_share allows.
var ErrAPIShare = errors.New("api_share reached")

// client makes the API calls with a token it gets, and gets again once
// when Salesforce says the session expired. It keeps the org's API usage
// from the Sforce-Limit-Info header of each answer, and makes no call that
// would use more than share of the daily limit.
type client struct {
	http    *http.Client
	auth    *authenticator
	token   token
	version string
	share   float64
	retries int           // of a 5xx, a 429, a network error or a timeout
	backoff time.Duration // before the first retry, doubled at each
	log     *slog.Logger
	// versionChecked says the instance was found to serve version.
	versionChecked bool
	// used and limit are the org's API requests of the day, as the last
	// answer's Sforce-Limit-Info said (limit 0: not known yet).
	used, limit int
	calls       int // calls made, besides token requests
}

// response is an answer with status 2xx.
type response struct {
	header http.Header
	body   []byte
}

// apiPath is path under the API version: /services/data/vXX.X/path.
func (c *client) apiPath(path string) string {
	return "/services/data/" + c.version + path
}

// getToken gets an access token, retrying a 5xx or network error.
func (c *client) getToken(ctx context.Context) error {
	for attempt := 0; ; attempt++ {
		t, wait, err := c.auth.request(ctx, c.http, c.backoff<<attempt)
		if err == nil {
			c.token = t
			return nil
		}
		if wait == 0 || attempt >= c.retries {
			return err
		}
		c.log.Warn("salesforce token request retried", "error", c.redact(err), "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// do makes a call to path (an absolute path on the instance, with its
// query) and returns the 2xx answer. It retries 5xx, 429, network errors
// and timeouts with back-off, gets a new token once on 401, and stops
// with ErrAPIShare before a call the share does not allow.
func (c *client) do(ctx context.Context, method, path string, body []byte) (*response, error) {
	return c.send(ctx, method, path, body, "application/json", true)
}

// doAccept is do, asking for an answer of media type accept.
func (c *client) doAccept(ctx context.Context, method, path string, body []byte, accept string) (*response, error) {
	return c.send(ctx, method, path, body, accept, true)
}

// create is do for a call that creates something: one that got no answer
// (a timeout, a connection lost) is not retried, as it may have created
// it; an answer saying it failed (5xx, 429) is.
func (c *client) create(ctx context.Context, path string, body []byte) (*response, error) {
	return c.send(ctx, http.MethodPost, path, body, "application/json", false)
}

// unanswered is the error of a call whose answer did not arrive whole.
type unanswered struct{ error }

func (u unanswered) Unwrap() error { return u.error }

// send makes the call; unanswered calls are retried only when
// retryUnanswered.
func (c *client) send(ctx context.Context, method, path string, body []byte, accept string, retryUnanswered bool) (*response, error) {
	call := method + " " + path
	if c.token.AccessToken == "" {
		if err := c.getToken(ctx); err != nil {
			return nil, err
		}
	}
	refreshed := false
	for attempt := 0; ; attempt++ {
		if err := c.allowed(); err != nil {
			return nil, err
		}
		res, wait, err := c.once(ctx, method, path, body, accept, attempt)
		if err == nil {
			return res, nil
		}
		if errors.Is(err, errExpired) && !refreshed {
			// A token expires after the session timeout the org sets; a new
			// one is asked for once.
			refreshed = true
			c.log.Info("salesforce session expired: new token", "call", call)
			if err := c.getToken(ctx); err != nil {
				return nil, err
			}
			attempt--
			continue
		}
		if errors.As(err, new(unanswered)) && !retryUnanswered {
			return nil, fmt.Errorf("%s: not retried, as it may have been carried out without an answer: %w", call, err)
		}
		if wait == 0 || attempt >= c.retries {
			return nil, fmt.Errorf("%s: %w", call, err)
		}
		c.log.Warn("salesforce call retried", "call", call, "error", c.redact(err), "wait", wait)
		if err := sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// checkVersion checks, once, that the instance serves the API version:
// when it does not, every call under it answers 404, as if no object
// were in the org. The Versions resource lists those it serves.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm
func (c *client) checkVersion(ctx context.Context) error {
	if c.versionChecked {
		return nil
	}
	res, err := c.do(ctx, http.MethodGet, "/services/data/", nil)
	if err != nil {
		return err
	}
	var versions []struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(res.body, &versions); err != nil {
		return fmt.Errorf("GET /services/data/: the answer is not a list of versions: %w", err)
	}
	var served []string
	for _, v := range versions {
		served = append(served, "v"+v.Version)
	}
	if !slices.Contains(served, c.version) {
		return fmt.Errorf("api_version %s is not one the org's instance %s serves (%s)", c.version, c.token.InstanceURL, strings.Join(served, ", "))
	}
	c.versionChecked = true
	return nil
}

// allowed says whether one more call keeps the org's API usage within
// the share of its daily limit.
func (c *client) allowed() error {
	if c.limit == 0 {
		return nil
	}
	most := int(math.Floor(c.share * float64(c.limit)))
	if c.used+1 > most {
		return fmt.Errorf("%w: the org has used %d of its %d daily API requests and a pull may use up to %d (api_share %g); what was pulled so far is landed, and the next pull continues from it",
			ErrAPIShare, c.used, c.limit, most, c.share)
	}
	return nil
}

// errExpired is a 401 INVALID_SESSION_ID: the token expired or was revoked.
var errExpired = errors.New("401 INVALID_SESSION_ID")

// once makes one call; on failure it returns the wait before a retry, or 0
// when it must not be retried.
func (c *client) once(ctx context.Context, method, path string, body []byte, accept string, attempt int) (*response, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.token.InstanceURL+path, rd)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token.AccessToken)
	req.Header.Set("Accept", accept)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "precedent")
	c.calls++
	backoff := c.backoff << attempt
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, backoff, unanswered{err}
	}
	defer res.Body.Close()
	c.usage(res.Header.Get("Sforce-Limit-Info"))
	limit := maxJSONBody
	if accept == "text/csv" {
		limit = maxCSVBody
	}
	data, err := etl.ReadBounded(res.Body, limit)
	if errors.Is(err, etl.ErrTooLarge) {
		return nil, 0, fmt.Errorf("%d %w", res.StatusCode, err)
	}
	if err != nil {
		return nil, backoff, unanswered{err}
	}
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		return &response{header: res.Header, body: data}, 0, nil
	case res.StatusCode == http.StatusUnauthorized:
		code, msg := apiError(data)
		if code == "INVALID_SESSION_ID" {
			return nil, 0, fmt.Errorf("%w: %s", errExpired, msg)
		}
		return nil, 0, fmt.Errorf("401 %s: %s", code, msg)
	case res.StatusCode == http.StatusNotFound:
		code, msg := apiError(data)
		return nil, 0, fmt.Errorf("%w: 404 %s: %s", errNotFound, code, msg)
	case res.StatusCode == http.StatusTooManyRequests:
		wait := backoff
		if secs, err := strconv.Atoi(strings.TrimSpace(res.Header.Get("Retry-After"))); err == nil && secs >= 0 {
			wait = min(max(time.Duration(secs)*time.Second, time.Millisecond), maxRetryAfter)
		}
		code, msg := apiError(data)
		return nil, wait, fmt.Errorf("429 %s: %s", code, msg)
	case res.StatusCode >= 500:
		code, msg := apiError(data)
		return nil, backoff, fmt.Errorf("%d %s: %s", res.StatusCode, code, msg)
	}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		return nil, 0, fmt.Errorf("%d a redirect to %q, not followed", res.StatusCode, res.Header.Get("Location"))
	}
	code, msg := apiError(data)
	if code == "REQUEST_LIMIT_EXCEEDED" {
		return nil, 0, fmt.Errorf("%d REQUEST_LIMIT_EXCEEDED: the org's API request limit is used up (%s); the pull continues tomorrow or after the limit is raised", res.StatusCode, msg)
	}
	return nil, 0, fmt.Errorf("%d %s: %s", res.StatusCode, code, msg)
}

// usage keeps the org's API usage from a Sforce-Limit-Info header such as
// "api-usage=18/5000" or "api-usage=10018/100000; api-bursts=1/750".
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm
func (c *client) usage(header string) {
	for _, part := range strings.Split(header, ";") {
		v, ok := strings.CutPrefix(strings.TrimSpace(part), "api-usage=")
		if !ok {
			continue
		}
		u, l, ok := strings.Cut(v, "/")
		used, err1 := strconv.Atoi(u)
		limit, err2 := strconv.Atoi(l)
		if ok && err1 == nil && err2 == nil && limit > 0 {
			c.used, c.limit = used, limit
		}
	}
}

// apiError is the error code and message of an error answer: REST API
// errors are a list of {message, errorCode}, Bulk API 2.0 ones too; else
// the body's start.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm
func apiError(body []byte) (string, string) {
	var list []struct {
		Message   string `json:"message"`
		ErrorCode string `json:"errorCode"`
	}
	if json.Unmarshal(body, &list) == nil && len(list) > 0 {
		return list[0].ErrorCode, list[0].Message
	}
	return "", start(body)
}

// redact removes the token and secrets from an error's text.
func (c *client) redact(err error) error {
	msg := err.Error()
	out := msg
	for _, secret := range append([]string{c.token.AccessToken}, c.auth.secrets()...) {
		if secret != "" {
			out = strings.ReplaceAll(out, secret, "********")
		}
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}

// The most bytes an answer may have: a JSON answer (a query page holds
// at most 2,000 records), and a Bulk API 2.0 results page (at most
// bulkPageRecords rows).
var (
	maxJSONBody int64 = 64 << 20
	maxCSVBody  int64 = 1 << 30
)

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
