package hubspot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
)

// Waits for a 429 (https://developers.hubspot.com/docs/api/usage-details):
// the ten-secondly policy's window when the answer does not say it
// (X-HubSpot-RateLimit-Interval-Milliseconds), and the search API's own
// limit of a few requests a second.
const (
	tenSecondlyWait = 10 * time.Second
	searchLimitWait = time.Second
	maxRateWait     = time.Minute
)

// maxAnswer bounds an answer read: a page holds at most 100 records (200
// for a search), and a batch read the associations of 100.
const maxAnswer = 64 << 20

// client makes the calls, authenticated with the private app's access
// token as a bearer token, and keeps what the answers' rate-limit headers
// say of the daily limit.
type client struct {
	http    *http.Client
	base    string
	token   string
	retries int           // of a 5xx, a ten-secondly 429, a network error or a timeout
	backoff time.Duration // before the first retry of a 5xx or a network error, doubled at each
	reserve int           // daily calls left to other apps; 0: a tenth of the daily limit
	sleep   func(context.Context, time.Duration) error
	log     *slog.Logger
	maxBody int // the largest answer read; maxAnswer when 0

	calls      int
	dailyLimit int // X-HubSpot-RateLimit-Daily of the last answer that had it; 0 unknown
	dailyLeft  int // X-HubSpot-RateLimit-Daily-Remaining; -1 unknown
}

// apiError is HubSpot's error answer
// (https://developers.hubspot.com/docs/api/crm/understanding-the-crm,
// "Error handling"; https://developers.hubspot.com/docs/api/usage-details
// for the 429's policyName).
type apiError struct {
	Status        string `json:"status"`
	Message       string `json:"message"`
	Category      string `json:"category"`
	ErrorType     string `json:"errorType"`
	PolicyName    string `json:"policyName"`
	CorrelationID string `json:"correlationId"`
}

// errDaily is returned when a pull must stop for the day.
var errDaily = errors.New("daily API limit")

// do makes one call (retried as its failure allows) and decodes the answer
// into out. It returns the answer's Date header.
func (c *client) do(ctx context.Context, method, path string, q url.Values, body, out any) (time.Time, error) {
	call := method + " " + path
	if len(q) > 0 {
		call += "?" + q.Encode()
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return time.Time{}, fmt.Errorf("%s: %w", call, err)
		}
	}
	for attempt := 0; ; attempt++ {
		if err := c.budget(); err != nil {
			return time.Time{}, fmt.Errorf("%s: %w", call, err)
		}
		b, date, wait, err := c.once(ctx, method, path, q, payload, attempt)
		if err == nil {
			if err := json.Unmarshal(b, out); err != nil {
				return date, fmt.Errorf("%s: the answer is not the JSON expected: %w", call, err)
			}
			return date, nil
		}
		if wait == 0 || attempt >= c.retries {
			return date, fmt.Errorf("%s: %w", call, err)
		}
		c.log.Warn("hubspot call retried", "call", call, "error", c.redact(err), "wait", wait)
		if err := c.sleep(ctx, wait); err != nil {
			return date, err
		}
	}
}

// budget fails once the calls left today have fallen to the reserve.
func (c *client) budget() error {
	reserve := c.reserve
	if reserve == 0 {
		reserve = c.dailyLimit / 10
	}
	if c.dailyLeft >= 0 && c.dailyLeft <= reserve {
		return fmt.Errorf("%w: the account has %d of its %d daily API calls left, the reserve kept for its other apps (setting daily_reserve): the pull stops here and continues from where it stopped after the daily reset",
			errDaily, c.dailyLeft, c.dailyLimit)
	}
	return nil
}

// once makes one call and returns its body and Date; on failure, the wait
// before a retry, or 0 when it must not be retried.
func (c *client) once(ctx context.Context, method, path string, q url.Values, payload []byte, attempt int) ([]byte, time.Time, time.Duration, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, time.Time{}, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "precedent")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.calls++
	backoff := c.backoff << attempt
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, time.Time{}, 0, ctx.Err()
		}
		return nil, time.Time{}, backoff, err
	}
	defer res.Body.Close()
	date, _ := http.ParseTime(res.Header.Get("Date"))
	c.limits(res.Header)
	limit := cmp.Or(c.maxBody, maxAnswer)
	b, err := etl.ReadBounded(res.Body, int64(limit))
	if errors.Is(err, etl.ErrTooLarge) {
		return nil, date, 0, fmt.Errorf("%d: the answer is larger than %s; a page holds at most 100 records", res.StatusCode, size(limit))
	}
	if err != nil {
		return nil, date, backoff, err
	}
	var e apiError
	json.Unmarshal(b, &e)
	switch {
	case res.StatusCode == http.StatusOK || res.StatusCode == http.StatusMultiStatus:
		return b, date, 0, nil
	case res.StatusCode == http.StatusUnauthorized:
		return nil, date, 0, fmt.Errorf("401 HubSpot refused the private app's access token (access_token_env or access_token_file): it was rotated, or the app deleted; rotate or copy the token in HubSpot (Settings, Integrations, Private Apps, Auth) and replace it: %s", message(e, b))
	case res.StatusCode == http.StatusForbidden:
		return nil, date, 0, fmt.Errorf("403 the private app lacks a scope (crm.objects.companies.read, crm.objects.deals.read, crm.objects.line_items.read, tickets): %s", message(e, b))
	case res.StatusCode == http.StatusTooManyRequests && e.PolicyName == "DAILY":
		return nil, date, 0, fmt.Errorf("429 the account's daily API limit is used up (policy DAILY): the pull continues from where it stopped after the daily reset: %s", message(e, b))
	case res.StatusCode == http.StatusTooManyRequests:
		return nil, date, c.rateWait(res.Header, e, backoff), fmt.Errorf("429 rate limited (%s): %s", cmp.Or(e.PolicyName, "no policy named"), message(e, b))
	case res.StatusCode >= 500:
		return nil, date, backoff, fmt.Errorf("%d %s", res.StatusCode, message(e, b))
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return nil, date, 0, fmt.Errorf("%d redirect to %s not followed: is api_url HubSpot's API address?", res.StatusCode, res.Header.Get("Location"))
	}
	return nil, date, 0, fmt.Errorf("%d %s", res.StatusCode, message(e, b))
}

// rateWait is how long a 429 of a short policy is waited: what Retry-After
// says, else the ten-secondly policy's window, a second for the search
// API's limit.
func (c *client) rateWait(h http.Header, e apiError, backoff time.Duration) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && secs > 0 {
		return min(time.Duration(secs)*time.Second, maxRateWait)
	}
	switch {
	case e.PolicyName == "TEN_SECONDLY_ROLLING":
		if ms, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
			return min(time.Duration(ms)*time.Millisecond, maxRateWait)
		}
		return tenSecondlyWait
	case strings.Contains(e.Message, "secondly limit"):
		return searchLimitWait
	}
	return backoff
}

// limits keeps what an answer's headers say of the daily limit (private
// apps' answers carry them; the search API's do not).
func (c *client) limits(h http.Header) {
	if n, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Daily")); err == nil {
		c.dailyLimit = n
	}
	if n, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Daily-Remaining")); err == nil {
		c.dailyLeft = n
	}
}

// message is what an error answer says: its category, message and
// correlation id, else the start of the body.
func message(e apiError, body []byte) string {
	if e.Message == "" {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200]
		}
		return s
	}
	out := e.Message
	if e.Category != "" {
		out = e.Category + ": " + out
	}
	if e.CorrelationID != "" {
		out += " (correlationId " + e.CorrelationID + ")"
	}
	return out
}

// size writes a number of bytes.
func size(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// redact removes the token from an error's text.
func (c *client) redact(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), c.token) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), c.token, "********"))
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
