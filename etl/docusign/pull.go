package docusign

import (
	"context"
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

// object is what the pull lands: the folder the DocuSign envelopes
// adapter reads.
const object = "docusign/envelopes"

// Source is one DocuSign eSignature account.
type Source struct {
	SourceName string
	Settings   Settings
	// Retries is how often a call is retried after a 5xx, a 429, a network
	// error or a timeout: 4 when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry (1s when 0), doubled at
	// each; a 429 waits for the hourly limit's reset.
	Backoff time.Duration
	// MaxWait is the longest a 429 waits for the hourly limit's reset (10
	// minutes when 0); a later reset fails the pull, saying when it is.
	MaxWait time.Duration
	// PageSize is the envelopes asked for a page (count): 100 when 0.
	PageSize int
	// MaxAnswer is the largest answer read, in bytes (64 MiB when 0): a
	// larger one fails the call rather than being cut short.
	MaxAnswer int64
	// Now is the clock access tokens expire by (time.Now when nil).
	Now    func() time.Time
	Logger *slog.Logger
	// HTTPClient makes the calls (one with a 60s timeout when nil).
	HTTPClient *http.Client
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls stand: the latest status change landed, as
// DocuSign wrote it, and the envelopes that changed then, which the next
// pull (asking from that time on) does not land again. A pull asks only
// for changes up to settle before DocuSign's time, so the cursor stays at
// least that far behind it.
type cursor struct {
	FromDate    string   `json:"from_date"`
	EnvelopeIDs []string `json:"envelope_ids,omitempty"`
}

// page is one answer of Envelopes: listStatusChanges
// (https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/);
// DocuSign writes its counts as strings.
type page struct {
	EndPosition  count             `json:"endPosition"`
	TotalSetSize count             `json:"totalSetSize"`
	NextURI      string            `json:"nextUri"`
	Envelopes    []json.RawMessage `json:"envelopes"`
}

// count is a number DocuSign may write as a string.
type count int

func (n *count) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*n = 0
		return nil
	}
	v, err := strconv.Atoi(s)
	*n = count(v)
	return err
}

// Pull lands the envelopes whose status changed since the cursor, up to
// settle before DocuSign's time, as docusign/envelopes/run-NNNNNN.jsonl,
// one envelope as DocuSign sent it (with its customFields) per line, then
// moves the cursor to the latest status change landed. Envelopes are asked
// for oldest change first, so when a call fails for good what was read is
// landed and the next pull continues after it.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "docusign"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	key, err := s.Settings.PrivateKey()
	if err != nil {
		return rep, err
	}
	auth, err := s.Settings.authURL()
	if err != nil {
		return rep, fmt.Errorf("auth_server: %w", err)
	}
	cursors := map[string]cursor{}
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	c := &client{http: etl.NoRedirects(s.HTTPClient, 60*time.Second), auth: auth, settings: s.Settings, key: key, now: s.Now, retries: s.Retries, backoff: s.Backoff, maxWait: s.MaxWait, maxAnswer: s.MaxAnswer, log: log}
	if c.now == nil {
		c.now = time.Now
	}
	switch {
	case c.retries == 0:
		c.retries = 4
	case c.retries < 0:
		c.retries = 0
	}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	if c.maxWait <= 0 {
		c.maxWait = 10 * time.Minute
	}
	if c.maxAnswer <= 0 {
		c.maxAnswer = 64 << 20
	}
	obj, err := s.pullEnvelopes(ctx, c, cursors, env)
	rep.Objects = append(rep.Objects, obj)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", object, c.redact(err))
	}
	log.Info("pulled object", "source", s.SourceName, "object", obj.Object, "rows", obj.Rows, "file", obj.File,
		"calls", c.calls, "rate_limit_remaining", c.quota.remaining)
	return rep, nil
}

// settle is how long before DocuSign's time (its answers' Date) a status
// change must be for a pull to read it: each page asks up to then
// (to_date), so a change saved in a transaction that commits after the
// page was read, with a time before it, is not passed by the cursor and is
// read by the next pull. DocuSign documents no such delay, nor how soon a
// change is listed; its API guidelines ask for polls 15 minutes apart or
// more, so five minutes delays little.
const settle = 5 * time.Minute

// pullEnvelopes lands what listStatusChanges lists from the cursor on,
// page by page until it says there is no more. Each page asks from the
// cursor so far (start_position 0) and skips the envelopes already landed
// at its instant: an envelope that changes while the pull pages moves to
// the end of the list and shifts the rest, so an offset into the list
// would skip one. start_position only gets past a page whose envelopes
// all changed at the cursor's instant.
func (s *Source) pullEnvelopes(ctx context.Context, c *client, cursors map[string]cursor, env etl.PullEnv) (etl.PullObject, error) {
	cur, ok := cursors[object]
	if !ok || cur.FromDate == "" {
		from, err := s.Settings.from()
		if err != nil {
			return etl.PullObject{Object: object}, fmt.Errorf("from_date: %w", err)
		}
		cur = cursor{FromDate: from.UTC().Format(time.RFC3339)}
	}
	since, err := changeTime(cur.FromDate)
	if err != nil {
		return etl.PullObject{Object: object}, fmt.Errorf("cursor from_date %q: %w", cur.FromDate, err)
	}
	obj := etl.PullObject{Object: object, Since: cur.FromDate}
	if err := c.connect(ctx); err != nil {
		return obj, err
	}
	obj.Table = c.path + "/envelopes"
	file := etl.NewJSONLines(env, s.SourceName, object)
	next, newest := cur, since
	// land lands what was read and saves the cursor, after a failure too.
	land := func(failed error) (etl.PullObject, error) {
		var err error
		if obj.File, err = file.Land(); err != nil {
			file.Discard()
			return obj, errors.Join(failed, err)
		}
		obj.Rows, obj.Cursor = file.Rows(), next.FromDate
		cursors[object] = next
		if err := etl.SaveCursors(env.Cursors, cursors); err != nil {
			return obj, errors.Join(failed, err)
		}
		return obj, failed
	}
	size := s.PageSize
	if size <= 0 {
		size = 100
	}
	for pos := 0; ; {
		from, landedThen := newest, slices.Clone(next.EnvelopeIDs)
		upTo := c.serverTime().Add(-settle).UTC().Truncate(time.Second)
		if !upTo.After(from) {
			return land(nil)
		}
		q := url.Values{
			"from_date":      {next.FromDate},
			"to_date":        {upTo.Format(time.RFC3339)},
			"include":        {"custom_fields"},
			"order_by":       {"status_changed"},
			"order":          {"asc"},
			"count":          {strconv.Itoa(size)},
			"start_position": {strconv.Itoa(pos)},
		}
		var pg page
		if err := c.get(ctx, "/envelopes", q, &pg); err != nil {
			return land(err)
		}
		for _, raw := range pg.Envelopes {
			id, changed, t, err := change(raw)
			if err != nil {
				return land(fmt.Errorf("GET /envelopes: %w", err))
			}
			// Changes before the cursor, or at it and landed, were landed
			// by an earlier page or pull.
			if t.Before(from) || (t.Equal(from) && slices.Contains(landedThen, id)) {
				continue
			}
			if err := file.Add(raw); err != nil {
				return land(err)
			}
			switch {
			case t.After(newest):
				newest, next = t, cursor{FromDate: changed, EnvelopeIDs: []string{id}}
			case t.Equal(newest) && !slices.Contains(next.EnvelopeIDs, id):
				next.EnvelopeIDs = append(next.EnvelopeIDs, id)
			}
		}
		if env.Progress != nil {
			env.Progress(etl.Progress{Stage: "pull", Entity: object, Rows: file.Rows()})
		}
		if len(pg.Envelopes) == 0 || (pg.NextURI == "" && int(pg.EndPosition)+1 >= int(pg.TotalSetSize)) {
			return land(nil)
		}
		// A page that did not move the cursor changed at its instant (or
		// before) only: the next one starts after it.
		if newest.After(from) {
			pos = 0
		} else {
			pos += len(pg.Envelopes)
		}
	}
}

// change reads an envelope's id and the time its status changed
// (statusChangedDateTime, else lastModifiedDateTime), as written and
// parsed.
func change(raw json.RawMessage) (id, changed string, t time.Time, err error) {
	var e struct {
		EnvelopeID            string `json:"envelopeId"`
		StatusChangedDateTime string `json:"statusChangedDateTime"`
		LastModifiedDateTime  string `json:"lastModifiedDateTime"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.EnvelopeID == "" {
		return "", "", t, fmt.Errorf("an envelope without envelopeId: %.200s", raw)
	}
	changed = e.StatusChangedDateTime
	if changed == "" {
		changed = e.LastModifiedDateTime
	}
	if t, err = changeTime(changed); err != nil {
		return "", "", t, fmt.Errorf("envelope %s: statusChangedDateTime %q: %w", e.EnvelopeID, changed, err)
	}
	return e.EnvelopeID, changed, t, nil
}

// changeTime reads a DocuSign time, such as 2025-05-11T09:45:02.5070000Z.
func changeTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}
