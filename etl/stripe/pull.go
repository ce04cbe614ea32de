package stripe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	stripeapi "github.com/stripe/stripe-go/v82"

	"github.com/precedent-dev/precedent/etl"
)

// pageSize is the most objects one list call returns (Stripe's maximum).
const pageSize = 100

// endpoint is a list endpoint the pull reads, and the object it lands.
type endpoint struct {
	object string // vendor/name: the landing folder, read by the adapter of that name
	path   string
	status bool // lists every status (status=all): subscriptions list only live ones by default
}

// endpoints are read in this order: customers first, so an invoice's
// customer is landed before or with it.
var endpoints = []endpoint{
	{object: "stripe/customers", path: "/v1/customers"},
	{object: "stripe/subscriptions", path: "/v1/subscriptions", status: true},
	{object: "stripe/invoices", path: "/v1/invoices"},
	{object: "stripe/credit_notes", path: "/v1/credit_notes"},
}

// lineItems is where an invoice's lines are landed when the invoice lists
// only the first of them (lines.has_more).
const lineItems = "stripe/invoice_line_items"

// Source is one Stripe account.
type Source struct {
	SourceName string
	Settings   Settings
	// Retries is how often a call is retried: by stripe-go, with its own
	// back-off, after a network error or timeout; here, after a 5xx or a 429
	// answered with an error object (stripe-go does not retry those). 4
	// when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry of a 5xx or a 429 (1s when
	// 0), doubled at each.
	Backoff time.Duration
	Logger  *slog.Logger
	// Now is the clock (time.Now when nil): the end of a pull's window.
	Now func() time.Time
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls of one object stand. Created is the newest
// creation time landed by the last complete pull. While a pull is under
// way (or after it stopped), From, To and After hold its window (created
// after From, up to To) and the last object landed: the next pull goes on
// from there.
type cursor struct {
	Created int64  `json:"created,omitempty"`
	From    int64  `json:"from,omitempty"`
	To      int64  `json:"to,omitempty"`
	After   string `json:"starting_after,omitempty"`
	Newest  int64  `json:"newest,omitempty"`
}

// page is one answer of a list endpoint: its objects as Stripe sent them.
type page struct {
	stripeapi.APIResource
	Data    []json.RawMessage `json:"data"`
	HasMore bool              `json:"has_more"`
}

// listParams are a list call's parameters, shaped as stripe-go's own
// (it looks up their Metadata and Expand fields).
type listParams struct {
	stripeapi.ListParams `form:"*"`
	Metadata             map[string]string `form:"metadata"`
	Expand               []*string         `form:"expand"`
}

// object is what the pull reads of an object besides landing it.
type object struct {
	ID      string `json:"id"`
	Created int64  `json:"created"`
	Lines   *struct {
		HasMore bool `json:"has_more"`
	} `json:"lines"`
}

// Pull lands, for each object, those created since its cursor (less the
// lookback) as stripe/<object>/run-NNNNNN.jsonl, then moves its cursor. An
// object's file is landed and its cursor saved before the next is read;
// when a call fails for good, what was read of the object is landed and
// its cursor keeps the window and the last object landed, so the next pull
// continues after it.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "stripe"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	key, err := s.Settings.SecretKey()
	if err != nil {
		return rep, err
	}
	cursors := map[string]cursor{} // by object
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	c := &client{backend: s.backend(), key: key, retries: s.retries(), backoff: s.Backoff}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	for _, ep := range endpoints {
		objs, err := s.pullEndpoint(ctx, c, ep, cursors, now().Unix(), env)
		rep.Objects = append(rep.Objects, objs...)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", ep.object, redact(err, key))
		}
		for _, o := range objs {
			log.Info("pulled object", "source", s.SourceName, "object", o.Object, "rows", o.Rows, "file", o.File)
		}
	}
	return rep, nil
}

// backend is stripe-go's API backend: its own retries and back-off, its
// logging silenced (the pull reports what it did).
func (s *Source) backend() stripeapi.Backend {
	retries := int64(s.retries())
	telemetry := false
	cfg := &stripeapi.BackendConfig{
		MaxNetworkRetries: &retries,
		EnableTelemetry:   &telemetry,
		LeveledLogger:     &stripeapi.LeveledLogger{Level: stripeapi.LevelNull},
		// No redirect is followed: the secret key must reach Stripe alone.
		HTTPClient: etl.NoRedirects(nil, 80*time.Second),
	}
	if s.Settings.APIBase != "" {
		base := strings.TrimRight(s.Settings.APIBase, "/")
		cfg.URL = &base
	}
	return stripeapi.GetBackendWithConfig(stripeapi.APIBackend, cfg)
}

func (s *Source) retries() int {
	if s.Retries == 0 {
		return 4
	}
	return max(s.Retries, 0)
}

// client makes the list calls.
type client struct {
	backend stripeapi.Backend
	key     string
	calls   int
	retries int           // of a 5xx or 429
	backoff time.Duration // before the first retry, doubled at each
}

// list reads one page of a list endpoint.
func (c *client) list(ctx context.Context, path string, p *listParams) (*page, error) {
	p.Context = ctx
	p.Limit = stripeapi.Int64(pageSize)
	for attempt := 0; ; attempt++ {
		var pg page
		c.calls++
		err := c.backend.Call(http.MethodGet, path, c.key, p, &pg)
		if err == nil {
			return &pg, nil
		}
		var se *stripeapi.Error
		if !errors.As(err, &se) {
			return nil, fmt.Errorf("GET %s: %w", path, err)
		}
		// stripe-go retries network errors and conflicts itself, not a
		// 5xx or a rate limit that Stripe answered with an error object.
		retry := se.HTTPStatusCode >= 500 || se.HTTPStatusCode == http.StatusTooManyRequests
		if !retry || attempt >= c.retries {
			return nil, fmt.Errorf("GET %s: %d %s", path, se.HTTPStatusCode, se.Msg)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(c.backoff << attempt):
		}
	}
}

// pullEndpoint lands the objects of one endpoint created in its window,
// newest first as Stripe lists them, with the lines of invoices that list
// only their first ones.
func (s *Source) pullEndpoint(ctx context.Context, c *client, ep endpoint, cursors map[string]cursor, now int64, env etl.PullEnv) ([]etl.PullObject, error) {
	cur := cursors[ep.object]
	if cur.To == 0 { // no pull under way: a new window
		cur = cursor{Created: cur.Created, To: now, Newest: cur.Created}
		if cur.Created > 0 {
			cur.From = max(cur.Created-s.Settings.lookback(), 0)
		}
	}
	obj := etl.PullObject{Object: ep.object, Table: ep.path}
	lines := etl.PullObject{Object: lineItems, Table: "/v1/invoices/{id}/lines"}
	if cur.From > 0 {
		obj.Since = strconv.FormatInt(cur.From, 10)
	}
	file := etl.NewJSONLines(env, s.SourceName, ep.object)
	lineFile := etl.NewJSONLines(env, s.SourceName, lineItems)
	// land lands what was read and saves the cursor, after a failure too.
	land := func(failed error) ([]etl.PullObject, error) {
		out := []etl.PullObject{obj}
		var err error
		if obj.File, err = file.Land(); err == nil {
			lines.File, err = lineFile.Land()
		}
		if err != nil {
			file.Discard()
			lineFile.Discard()
			return out, errors.Join(failed, err)
		}
		obj.Rows, lines.Rows = file.Rows(), lineFile.Rows()
		if failed == nil {
			cur = cursor{Created: cur.Newest}
			obj.Cursor = strconv.FormatInt(cur.Created, 10)
		}
		out[0] = obj
		if lines.Rows > 0 {
			out = append(out, lines)
		}
		cursors[ep.object] = cur
		if err := etl.SaveCursors(env.Cursors, cursors); err != nil {
			return out, errors.Join(failed, err)
		}
		return out, failed
	}
	for {
		p := &listParams{}
		p.Filters.AddFilter("created", "gt", strconv.FormatInt(cur.From, 10))
		p.Filters.AddFilter("created", "lte", strconv.FormatInt(cur.To, 10))
		if ep.status {
			p.Filters.AddFilter("status", "", "all")
		}
		if cur.After != "" {
			p.StartingAfter = stripeapi.String(cur.After)
		}
		pg, err := c.list(ctx, ep.path, p)
		if err != nil {
			return land(err)
		}
		for _, raw := range pg.Data {
			var o object
			if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" {
				return land(fmt.Errorf("GET %s: an object without an id", ep.path))
			}
			if o.Lines != nil && o.Lines.HasMore {
				all, err := s.pullLines(ctx, c, o.ID)
				if err != nil {
					return land(err)
				}
				for _, l := range all {
					if err := lineFile.Add(l); err != nil {
						return land(err)
					}
				}
			}
			if err := file.Add(raw); err != nil {
				return land(err)
			}
			cur.After, cur.Newest = o.ID, max(cur.Newest, o.Created)
		}
		if env.Progress != nil {
			env.Progress(etl.Progress{Stage: "pull", Entity: ep.object, Rows: file.Rows()})
		}
		if !pg.HasMore || len(pg.Data) == 0 {
			return land(nil)
		}
	}
}

// pullLines reads every line of an invoice whose list shows only the
// first ones; they are landed together, after the last is read.
func (s *Source) pullLines(ctx context.Context, c *client, invoice string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	path := "/v1/invoices/" + invoice + "/lines"
	after := ""
	for {
		p := &listParams{}
		if after != "" {
			p.StartingAfter = stripeapi.String(after)
		}
		pg, err := c.list(ctx, path, p)
		if err != nil {
			return nil, err
		}
		for _, raw := range pg.Data {
			var o object
			if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" {
				return nil, fmt.Errorf("GET %s: a line without an id", path)
			}
			out, after = append(out, withInvoice(raw, invoice)), o.ID
		}
		if !pg.HasMore || len(pg.Data) == 0 {
			return out, nil
		}
	}
}

// withInvoice adds the invoice's id to a line that does not name it
// (API versions before 2024 leave it out of line items).
func withInvoice(raw json.RawMessage, invoice string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return raw
	}
	if v, ok := m["invoice"]; ok && string(v) != "null" {
		return raw
	}
	m["invoice"], _ = json.Marshal(invoice)
	b, err := json.Marshal(m)
	if err != nil {
		return raw
	}
	return b
}

// redact removes the key from an error's text.
func redact(err error, key string) error {
	if key == "" || !strings.Contains(err.Error(), key) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), key, "********"))
}
