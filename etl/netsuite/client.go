package netsuite

import (
	"bytes"
	"context"
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

// suiteQLPath is the SuiteQL resource of REST web services:
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html
const suiteQLPath = "/services/rest/query/v1/suiteql"

// maxRetryAfter bounds a wait a 429's Retry-After asks for.
const maxRetryAfter = 10 * time.Minute

// client makes the calls, each signed anew.
type client struct {
	http    *http.Client
	base    string
	auth    tba
	retries int           // of a 5xx, a 429, a network error or a timeout
	backoff time.Duration // before the first retry, doubled at each
	log     *slog.Logger
}

// page is one answer of the suiteql resource: {links, count, hasMore,
// items, offset, totalResults}; every item also has its own links.
type page struct {
	HasMore bool                         `json:"hasMore"`
	Items   []map[string]json.RawMessage `json:"items"`
	// date is the answer's Date header: the server's time (zero when
	// absent).
	date time.Time
}

// query runs one page of a SuiteQL query: the first limit results.
func (c *client) query(ctx context.Context, q string, limit int) (page, error) {
	call := "POST " + suiteQLPath
	for attempt := 0; ; attempt++ {
		body, wait, header, err := c.post(ctx, q, limit, attempt)
		if err == nil {
			var pg page
			pg.date, _ = http.ParseTime(header.Get("Date"))
			if err := json.Unmarshal(body, &pg); err != nil {
				return page{}, fmt.Errorf("%s: the answer is not SuiteQL's page: %w", call, err)
			}
			for _, item := range pg.Items {
				delete(item, "links")
			}
			return pg, nil
		}
		if wait == 0 || attempt >= c.retries {
			return page{}, fmt.Errorf("%s: %w", call, err)
		}
		c.log.Warn("netsuite call retried", "call", call, "error", c.redact(err), "wait", wait)
		select {
		case <-ctx.Done():
			return page{}, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// post makes one call and returns its body and headers; on failure, the
// wait before a retry, or 0 when it must not be retried.
func (c *client) post(ctx context.Context, q string, limit, attempt int) ([]byte, time.Duration, http.Header, error) {
	u, err := url.Parse(c.base + suiteQLPath + "?limit=" + strconv.Itoa(limit) + "&offset=0")
	if err != nil {
		return nil, 0, nil, err
	}
	payload, err := json.Marshal(map[string]string{"q": q})
	if err != nil {
		return nil, 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("Authorization", c.auth.authorization(http.MethodPost, u, nonce(), strconv.FormatInt(time.Now().Unix(), 10)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Prefer", "transient")
	req.Header.Set("User-Agent", "precedent")
	backoff := c.backoff << attempt
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, nil, ctx.Err()
		}
		return nil, backoff, nil, err
	}
	defer res.Body.Close()
	body, err := etl.ReadBounded(res.Body, maxBody)
	if errors.Is(err, etl.ErrTooLarge) {
		return nil, 0, nil, fmt.Errorf("%d %w", res.StatusCode, err)
	}
	if err != nil {
		return nil, backoff, nil, err
	}
	switch {
	case res.StatusCode == http.StatusOK:
		return body, 0, res.Header, nil
	case res.StatusCode == http.StatusUnauthorized:
		return nil, 0, nil, fmt.Errorf("401 NetSuite refused the token-based authentication (account_id, the consumer key and secret, the token id and secret; the token's role needs Log in using Access Tokens and REST Web Services): %s", message(body))
	case res.StatusCode == http.StatusForbidden:
		return nil, 0, nil, fmt.Errorf("403 the token's role may not read this (it needs SuiteAnalytics Workbook, REST Web Services and view on customers and transactions): %s", message(body))
	case res.StatusCode == http.StatusTooManyRequests:
		wait := backoff
		if secs, err := strconv.Atoi(strings.TrimSpace(res.Header.Get("Retry-After"))); err == nil && secs >= 0 {
			wait = min(max(time.Duration(secs)*time.Second, time.Millisecond), maxRetryAfter)
		}
		return nil, wait, nil, fmt.Errorf("429 the account's concurrency limit is reached: %s", message(body))
	case res.StatusCode >= 500:
		return nil, backoff, nil, fmt.Errorf("%d %s", res.StatusCode, message(body))
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return nil, 0, nil, fmt.Errorf("%d a redirect to %q, not followed (suitetalk_url or account_id may be wrong)", res.StatusCode, res.Header.Get("Location"))
	}
	return nil, 0, nil, fmt.Errorf("%d %s", res.StatusCode, message(body))
}

// maxBody is the most bytes an answer may have: a page of 1000 records
// is far smaller.
var maxBody int64 = 64 << 20

// message is what an error answer says: its o:errorDetails (each error
// code and detail), else its title, else the body's start. The shape is
// https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html
func message(body []byte) string {
	var e struct {
		Title   string `json:"title"`
		Details []struct {
			Detail string `json:"detail"`
			Code   string `json:"o:errorCode"`
		} `json:"o:errorDetails"`
	}
	var parts []string
	if json.Unmarshal(body, &e) == nil {
		for _, d := range e.Details {
			parts = append(parts, strings.TrimSpace(d.Code+" "+d.Detail))
		}
		if len(parts) == 0 && e.Title != "" {
			parts = append(parts, e.Title)
		}
	}
	if len(parts) == 0 {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200]
		}
		return s
	}
	return strings.Join(parts, "; ")
}

// redact removes the credentials from an error's text.
func (c *client) redact(err error) error {
	msg := err.Error()
	out := msg
	for _, secret := range []string{c.auth.consumerKey, c.auth.consumerSecret, c.auth.tokenID, c.auth.tokenSecret} {
		if secret != "" {
			out = strings.ReplaceAll(out, secret, "********")
		}
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}
