package docusign

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
)

// client makes a pull's calls: to the authentication service for access
// tokens and the user's accounts, and to the account's REST API.
type client struct {
	http      *http.Client
	auth      *url.URL // the authentication service
	settings  Settings
	key       *rsa.PrivateKey
	now       func() time.Time // the clock tokens expire by
	retries   int              // of a 5xx, a 429, a network error or a timeout
	backoff   time.Duration    // before the first retry, doubled at each
	maxWait   time.Duration    // the longest a 429 waits for the hourly limit's reset
	maxAnswer int64            // the largest answer read, in bytes
	log       *slog.Logger

	token   string    // the access token; "" before the first
	renewAt time.Time // when a new one is asked for, a little before it expires
	secrets []string  // the tokens and assertions of this pull, redacted from errors

	path  string // the account's REST API path: /restapi/v2.1/accounts/<id>
	rest  string // <base_uri><path>
	quota quota
	calls int
	date  time.Time // DocuSign's time: the Date of its latest answer
}

// quota is the hourly API limit as the last REST answer's headers gave it.
type quota struct {
	known            bool
	limit, remaining int
	reset            time.Time
}

// apiError is an answer that is no success: its status, and DocuSign's
// error code and message (errorCode and message from the REST API, error
// and error_description from the authentication service).
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string {
	switch {
	case e.code != "" && e.message != "":
		return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
	case e.code != "":
		return fmt.Sprintf("%d %s", e.status, e.code)
	}
	return fmt.Sprintf("%d %s", e.status, e.message)
}

// do makes one call until it succeeds, retrying 5xx answers, network
// errors and timeouts with back-off, and 429s after the limit's reset.
// With bearer it sends the access token (a new one when it is about to
// expire, or once when DocuSign refuses it) and first checks the quota.
func (c *client) do(ctx context.Context, call string, newReq func() (*http.Request, error), bearer bool) ([]byte, error) {
	renewed := false
	for attempt := 0; ; attempt++ {
		if bearer {
			if err := c.checkQuota(); err != nil {
				return nil, err
			}
			if err := c.ensureToken(ctx); err != nil {
				return nil, err
			}
		}
		req, err := newReq()
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		req.Header.Set("User-Agent", "precedent")
		if bearer {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		body, wait, err := c.once(ctx, req, attempt)
		if err == nil {
			return body, nil
		}
		var ae *apiError
		if bearer && errors.As(err, &ae) && ae.status == http.StatusUnauthorized && !renewed {
			// An access token expired or revoked before its time: a new one, once.
			renewed = true
			c.token = ""
			c.log.Info("docusign refused the access token; getting a new one", "call", call, "error", ae)
			attempt--
			continue
		}
		if bearer && errors.As(err, &ae) && ae.status == http.StatusUnauthorized {
			return nil, fmt.Errorf("%s: %w: DocuSign refused a new access token too; check that user_id may use the account", call, err)
		}
		if wait == 0 || attempt >= c.retries {
			return nil, fmt.Errorf("%s: %w", call, err)
		}
		c.log.Warn("docusign call retried", "call", call, "error", c.redact(err), "wait", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// once makes one request and returns its body; on failure, the wait before
// a retry, or 0 when it must not be retried.
func (c *client) once(ctx context.Context, req *http.Request, attempt int) ([]byte, time.Duration, error) {
	backoff := c.backoff << attempt
	c.calls++
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, backoff, err
	}
	defer res.Body.Close()
	body, err := etl.ReadBounded(res.Body, c.maxAnswer)
	if errors.Is(err, etl.ErrTooLarge) {
		return nil, 0, fmt.Errorf("%d %s: the answer is larger than %d bytes, more than a pull reads", res.StatusCode, http.StatusText(res.StatusCode), c.maxAnswer)
	}
	if err != nil {
		return nil, backoff, err
	}
	c.quota.read(res.Header)
	if date, err := http.ParseTime(res.Header.Get("Date")); err == nil {
		c.date = date
	}
	if res.StatusCode == http.StatusOK {
		return body, 0, nil
	}
	if res.StatusCode >= 300 && res.StatusCode < 400 {
		// Not followed (etl.NoRedirects): say where it led, without its query.
		to, _ := url.Parse(res.Header.Get("Location"))
		if to == nil {
			to = &url.URL{}
		}
		to.RawQuery, to.Fragment, to.User = "", "", nil
		return nil, 0, &apiError{status: res.StatusCode, message: fmt.Sprintf("a redirect to %q, not followed", to)}
	}
	ae := answerError(res.StatusCode, body)
	switch {
	case res.StatusCode == http.StatusTooManyRequests || ae.code == "HOURLY_APIINVOCATION_LIMIT_EXCEEDED" || ae.code == "BURST_APIINVOCATION_LIMIT_EXCEEDED":
		// The hourly limit answers 429 (earlier 400) until it resets.
		return c.limited(ae, res.Header, backoff)
	case res.StatusCode >= 500:
		return nil, backoff, ae
	}
	return nil, 0, ae
}

// serverTime is DocuSign's time as its latest answer gave it (the Date
// header every answer carries, https://www.rfc-editor.org/rfc/rfc9110#section-6.6.1),
// or this machine's when none did.
func (c *client) serverTime() time.Time {
	if c.date.IsZero() {
		return c.now()
	}
	return c.date
}

// limited is the wait after a rate-limited answer: until the hourly
// limit's reset when that is within maxWait, else none, with an error
// saying when it resets; the back-off when no reset is given (the burst
// limit).
func (c *client) limited(ae *apiError, h http.Header, backoff time.Duration) ([]byte, time.Duration, error) {
	secs, err := strconv.ParseInt(strings.TrimSpace(h.Get("X-RateLimit-Reset")), 10, 64)
	if err != nil {
		return nil, backoff, ae
	}
	reset := time.Unix(secs, 0)
	wait := max(time.Until(reset), time.Millisecond)
	if wait > c.maxWait {
		return nil, 0, fmt.Errorf("%w; DocuSign's hourly API limit (X-RateLimit-Limit %s) resets at %s, in %s, later than a pull waits (%s): the next pull continues from the cursor",
			ae, h.Get("X-RateLimit-Limit"), reset.UTC().Format(time.TimeOnly+" MST"), wait.Round(time.Second), c.maxWait)
	}
	c.quota.known = false // the limit is renewed when the wait is over
	return nil, wait, ae
}

// read notes the rate-limit headers of a REST answer
// (https://developers.docusign.com/platform/account/api-resource-limits/).
func (q *quota) read(h http.Header) {
	limit, err1 := strconv.Atoi(h.Get("X-RateLimit-Limit"))
	remaining, err2 := strconv.Atoi(h.Get("X-RateLimit-Remaining"))
	if err1 != nil || err2 != nil || limit <= 0 {
		return
	}
	q.known, q.limit, q.remaining = true, limit, remaining
	if secs, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
		q.reset = time.Unix(secs, 0)
	}
}

// checkQuota stops the pull before a call would leave less of the hourly
// limit than api_reserve keeps for the account's other integrations.
func (c *client) checkQuota() error {
	q := c.quota
	if !q.known {
		return nil
	}
	reserve := c.settings.reserve()
	if kept := q.limit * reserve / 100; q.remaining <= kept {
		return fmt.Errorf("stopped before DocuSign's hourly API limit: %d of %d calls are left this hour and api_reserve keeps %d%% (%d) for the account's other integrations; the limit resets at %s and the next pull continues from the cursor",
			q.remaining, q.limit, reserve, kept, q.reset.UTC().Format(time.TimeOnly+" MST"))
	}
	return nil
}

// answerError reads an error answer: the REST API's errorDetails
// (errorCode, message) or the authentication service's OAuth error
// (error, error_description).
func answerError(status int, body []byte) *apiError {
	var e struct {
		ErrorCode        string `json:"errorCode"`
		Message          string `json:"message"`
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}
	ae := &apiError{status: status}
	if json.Unmarshal(body, &e) == nil {
		ae.code, ae.message = e.ErrorCode, e.Message
		if ae.code == "" {
			ae.code, ae.message = e.Error, e.ErrorDescription
		}
	}
	if ae.code == "" && ae.message == "" {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200]
		}
		ae.message = s
		if s == "" {
			ae.message = http.StatusText(status)
		}
	}
	return ae
}

// redact removes the access tokens and assertions of this pull from an
// error's text.
func (c *client) redact(err error) error {
	msg := err.Error()
	out := msg
	for _, secret := range c.secrets {
		out = strings.ReplaceAll(out, secret, "********")
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}
