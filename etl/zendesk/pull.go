package zendesk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
)

// endpoint is an incremental export the pull reads, and the object it lands.
type endpoint struct {
	object string // vendor/name: the landing folder, read by the adapter of that name
	path   string
	key    string // the answer's list of objects
	// byCursor: the cursor-based export (after_cursor); else the
	// time-based one (end_time).
	byCursor bool
	// stamp is the time field of a time-based export's objects whose
	// greatest value the page's end_time is: the next page starts at that
	// time and lists again the objects stamped with it, which the pull
	// skips by id.
	stamp string
}

// endpoints are read in this order: organizations first, so a ticket's
// organization is landed before or with it, and ticket events last, so a
// ticket is landed before or with its events. The ticket events' Change
// events (priority, tags, group) date the escalations; they are read
// rather than ticket audits because the audits list (GET
// /api/v2/ticket_audits) has no start time to continue from and leaves out
// archived tickets.
var endpoints = []endpoint{
	{object: "zendesk/organizations", path: "/api/v2/incremental/organizations.json", key: "organizations", stamp: "updated_at"},
	{object: "zendesk/tickets", path: "/api/v2/incremental/tickets/cursor.json", key: "tickets", byCursor: true},
	{object: "zendesk/ticket_events", path: "/api/v2/incremental/ticket_events.json", key: "ticket_events", stamp: "timestamp"},
}

// maxBody bounds an answer read: an incremental export page holds at most
// 1,000 objects.
const maxBody = 64 << 20

// maxRetryAfter bounds a wait a 429's Retry-After asks for.
const maxRetryAfter = 10 * time.Minute

// Source is one Zendesk Support account.
type Source struct {
	SourceName string
	Settings   Settings
	// Retries is how often a call is retried after a 5xx, a 429, a network
	// error or a timeout: 4 when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry of a 5xx or a network
	// error (1s when 0), doubled at each; a 429 waits what its Retry-After
	// says.
	Backoff time.Duration
	Logger  *slog.Logger
	// HTTPClient makes the calls (one with a 60s timeout when nil).
	HTTPClient *http.Client
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls of one object stand: the tickets' after_cursor,
// the organizations' and ticket events' end_time with the ids landed of
// the objects stamped with it. Both move page by page, so a pull that
// stops continues from the last page it landed.
type cursor struct {
	AfterCursor string   `json:"after_cursor,omitempty"`
	StartTime   int64    `json:"start_time,omitempty"`
	Landed      []string `json:"landed_at_start_time,omitempty"`
}

func (c cursor) String() string {
	if c.AfterCursor != "" {
		return c.AfterCursor
	}
	if c.StartTime > 0 {
		return strconv.FormatInt(c.StartTime, 10)
	}
	return ""
}

// page is one answer of an incremental export, besides its objects.
type page struct {
	AfterCursor string `json:"after_cursor"`
	EndOfStream bool   `json:"end_of_stream"`
	EndTime     int64  `json:"end_time"`
}

// Pull lands, for each object (organizations, tickets, ticket events),
// what changed since its cursor as
// zendesk/<object>/run-NNNNNN.jsonl, one object as Zendesk sent it per
// line, then moves its cursor. An object's file is landed and its cursor
// saved before the next is read; when a call fails for good, what was read
// of the object is landed and its cursor is the last page's, so the next
// pull continues after it.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "zendesk"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	token, err := s.Settings.Token()
	if err != nil {
		return rep, err
	}
	cursors := map[string]cursor{} // by object
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	c := &client{http: etl.NoRedirects(s.HTTPClient, 60*time.Second), base: s.Settings.base(), user: s.Settings.Email + "/token", token: token, retries: s.retries(), backoff: s.Backoff, log: log}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	for _, ep := range endpoints {
		obj, err := s.pullEndpoint(ctx, c, ep, cursors, env)
		rep.Objects = append(rep.Objects, obj)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", ep.object, c.redact(err))
		}
		log.Info("pulled object", "source", s.SourceName, "object", obj.Object, "rows", obj.Rows, "deleted", obj.Deleted, "file", obj.File)
	}
	return rep, nil
}

func (s *Source) retries() int {
	if s.Retries == 0 {
		return 4
	}
	return max(s.Retries, 0)
}

// pullEndpoint lands what one export lists after its cursor, page by page
// until end_of_stream.
func (s *Source) pullEndpoint(ctx context.Context, c *client, ep endpoint, cursors map[string]cursor, env etl.PullEnv) (etl.PullObject, error) {
	cur := cursors[ep.object]
	obj := etl.PullObject{Object: ep.object, Table: ep.path, Since: cur.String()}
	file := etl.NewJSONLines(env, s.SourceName, ep.object)
	var deleted int64
	// land lands what was read and saves the cursor, after a failure too.
	land := func(failed error) (etl.PullObject, error) {
		var err error
		if obj.File, err = file.Land(); err != nil {
			file.Discard()
			return obj, errors.Join(failed, err)
		}
		obj.Rows, obj.Deleted, obj.Cursor = file.Rows(), deleted, cur.String()
		cursors[ep.object] = cur
		if err := etl.SaveCursors(env.Cursors, cursors); err != nil {
			return obj, errors.Join(failed, err)
		}
		return obj, failed
	}
	for {
		q := url.Values{}
		switch {
		case ep.byCursor && cur.AfterCursor != "":
			q.Set("cursor", cur.AfterCursor)
		default:
			q.Set("start_time", strconv.FormatInt(cur.StartTime, 10))
		}
		var pg page
		items, err := c.list(ctx, ep.path, q, ep.key, &pg)
		if err != nil {
			return land(err)
		}
		var stamps []stamp // of the objects landed from this page
		for _, raw := range items {
			var st stamp
			if ep.stamp != "" {
				if st, err = readStamp(raw, ep.stamp); err != nil {
					return land(fmt.Errorf("GET %s: %w", ep.path, err))
				}
				if st.at == cur.StartTime && slices.Contains(cur.Landed, st.id) {
					continue // landed from the page before, which ended at its time
				}
			}
			if err := file.Add(raw); err != nil {
				return land(err)
			}
			stamps = append(stamps, st)
			if ep.byCursor {
				var t struct {
					Status string `json:"status"`
				}
				if json.Unmarshal(raw, &t) == nil && t.Status == "deleted" {
					deleted++
				}
			}
		}
		if env.Progress != nil {
			env.Progress(etl.Progress{Stage: "pull", Entity: ep.object, Rows: file.Rows()})
		}
		if ep.byCursor {
			if pg.AfterCursor != "" {
				cur.AfterCursor = pg.AfterCursor
			} else if !pg.EndOfStream {
				return land(fmt.Errorf("GET %s: neither after_cursor nor end_of_stream in the answer", ep.path))
			}
		} else {
			if !pg.EndOfStream && pg.EndTime <= cur.StartTime {
				return land(fmt.Errorf("GET %s: end_time %d does not move past start_time %d", ep.path, pg.EndTime, cur.StartTime))
			}
			if pg.EndTime > cur.StartTime {
				cur.StartTime, cur.Landed = pg.EndTime, nil
			}
			for _, st := range stamps {
				if st.at == cur.StartTime && !slices.Contains(cur.Landed, st.id) {
					cur.Landed = append(cur.Landed, st.id)
				}
			}
		}
		if pg.EndOfStream {
			return land(nil)
		}
	}
}

// stamp is an object's id and the Unix time of its stamp field (-1 when
// it has none).
type stamp struct {
	id string
	at int64
}

// readStamp reads an object's id and the field a time-based export's
// end_time is the greatest of: Unix seconds (ticket events' timestamp) or
// an ISO 8601 time (organizations' updated_at).
func readStamp(raw json.RawMessage, field string) (stamp, error) {
	var o map[string]json.RawMessage
	if err := json.Unmarshal(raw, &o); err != nil {
		return stamp{}, fmt.Errorf("an object is not a JSON object: %w", err)
	}
	st := stamp{id: strings.Trim(string(o["id"]), `"`), at: -1}
	var n int64
	var s string
	switch v := o[field]; {
	case v == nil || string(v) == "null":
	case json.Unmarshal(v, &n) == nil:
		st.at = n
	case json.Unmarshal(v, &s) == nil && s != "":
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return st, fmt.Errorf("object %s: %s %q is no time", st.id, field, s)
		}
		st.at = t.Unix()
	}
	return st, nil
}

// client makes the calls, authenticated as {email}/token with the token.
type client struct {
	http       *http.Client
	base, user string
	token      string
	calls      int
	retries    int           // of a 5xx, a 429, a network error
	backoff    time.Duration // before the first retry, doubled at each
	log        *slog.Logger
}

// list reads one page of an export: its objects under key, the rest into pg.
func (c *client) list(ctx context.Context, path string, q url.Values, key string, pg *page) ([]json.RawMessage, error) {
	call := "GET " + path + "?" + q.Encode()
	for attempt := 0; ; attempt++ {
		body, wait, err := c.get(ctx, path, q, attempt)
		if err == nil {
			var lists map[string]json.RawMessage
			if err := json.Unmarshal(body, &lists); err != nil {
				return nil, fmt.Errorf("%s: the answer is not JSON: %w", call, err)
			}
			if err := json.Unmarshal(body, pg); err != nil {
				return nil, fmt.Errorf("%s: %w", call, err)
			}
			var items []json.RawMessage
			if raw, ok := lists[key]; ok && string(raw) != "null" {
				if err := json.Unmarshal(raw, &items); err != nil {
					return nil, fmt.Errorf("%s: %s is not a list: %w", call, key, err)
				}
			}
			return items, nil
		}
		if wait == 0 || attempt >= c.retries {
			return nil, fmt.Errorf("%s: %w", call, err)
		}
		c.log.Warn("zendesk call retried", "call", call, "error", c.redact(err), "wait", wait)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// get makes one call and returns its body; on failure, the wait before a
// retry, or 0 when it must not be retried.
func (c *client) get(ctx context.Context, path string, q url.Values, attempt int) ([]byte, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return nil, 0, err
	}
	req.SetBasicAuth(c.user, c.token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "precedent")
	c.calls++
	backoff := c.backoff << attempt
	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		return nil, backoff, err
	}
	defer res.Body.Close()
	body, err := etl.ReadBounded(res.Body, maxBody)
	if errors.Is(err, etl.ErrTooLarge) {
		return nil, 0, fmt.Errorf("the answer is larger than %d MiB; a page holds at most 1,000 objects", maxBody>>20)
	}
	if err != nil {
		return nil, backoff, err
	}
	switch {
	case res.StatusCode == http.StatusOK:
		return body, 0, nil
	case res.StatusCode == http.StatusUnauthorized:
		return nil, 0, fmt.Errorf("401 Zendesk refused the email and API token (settings email and token_env or token_file): %s", message(body))
	case res.StatusCode == http.StatusForbidden:
		return nil, 0, fmt.Errorf("403 the user may not read this (an agent or admin is needed): %s", message(body))
	case res.StatusCode == http.StatusTooManyRequests:
		wait := backoff
		if secs, err := strconv.Atoi(strings.TrimSpace(res.Header.Get("Retry-After"))); err == nil && secs >= 0 {
			wait = min(max(time.Duration(secs)*time.Second, time.Millisecond), maxRetryAfter)
		}
		return nil, wait, fmt.Errorf("429 rate limited (Retry-After %q): %s", res.Header.Get("Retry-After"), message(body))
	case res.StatusCode >= 500:
		return nil, backoff, fmt.Errorf("%d %s", res.StatusCode, message(body))
	case res.StatusCode >= 300 && res.StatusCode < 400:
		return nil, 0, fmt.Errorf("%d redirect to %s not followed: is base_url the account's own address?", res.StatusCode, res.Header.Get("Location"))
	}
	return nil, 0, fmt.Errorf("%d %s", res.StatusCode, message(body))
}

// message is what an error answer says: Zendesk's error (a string, or an
// object with a title and message) and description, else the status's text.
func message(body []byte) string {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"description"`
	}
	var parts []string
	if json.Unmarshal(body, &e) == nil {
		var s string
		var o struct{ Title, Message string }
		switch {
		case json.Unmarshal(e.Error, &s) == nil && s != "":
			parts = append(parts, s)
		case json.Unmarshal(e.Error, &o) == nil && (o.Title != "" || o.Message != ""):
			parts = append(parts, strings.TrimSpace(o.Title+" "+o.Message))
		}
		if e.Description != "" {
			parts = append(parts, e.Description)
		}
	}
	if len(parts) == 0 {
		s := strings.TrimSpace(string(body))
		if len(s) > 200 {
			s = s[:200]
		}
		return s
	}
	return strings.Join(parts, ": ")
}

// redact removes the token, and the credentials it is sent in, from an
// error's text.
func (c *client) redact(err error) error {
	msg := err.Error()
	out := msg
	for _, secret := range []string{c.token, base64.StdEncoding.EncodeToString([]byte(c.user + ":" + c.token))} {
		if secret != "" {
			out = strings.ReplaceAll(out, secret, "********")
		}
	}
	if out == msg {
		return err
	}
	return errors.New(out)
}
