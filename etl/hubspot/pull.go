package hubspot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
)

// pageSize is the records a list or search page asks for (the list API's
// most; the search API allows 200).
const pageSize = 100

// searchCap is the most results one search query pages through
// (https://developers.hubspot.com/docs/api/crm/search, "Limitations"); the
// pull pages by offset only through records changed in one millisecond.
const searchCap = 10000

// settle is how long before a listing's or search's start, by HubSpot's
// clock (the Date of its first answer), a record must have changed for the
// saved cursor to pass it: "it may take a few moments for newly created or
// updated CRM objects to appear in search results"
// (https://developers.hubspot.com/docs/api/crm/search, "Limitations"), and
// a record saved in a transaction that commits after the read may carry an
// earlier time. The next pull reads such records again; a record landed
// twice is harmless, its later landing wins.
const settle = 5 * time.Minute

// modifiedProperty is the property the search filters and sorts on: when
// HubSpot last changed the record (contacts name it lastmodifieddate; the
// objects pulled here, hs_lastmodifieddate).
const modifiedProperty = "hs_lastmodifieddate"

// object is a CRM object the pull reads, as the adapter of its name reads
// it.
type object struct {
	name       string   // the landing object, hubspot/<name>, and the CRM object type
	properties []string // the properties the adapter reads
	assocs     []assoc
}

// assoc is an association the adapter reads: into a field of the record
// (the first associated record, the primary one if marked), or, when field
// is empty, as rows of hubspot/<rows> (one per associated record).
type assoc struct {
	to    string // the associated object type
	field string
	rows  string
}

// objects are read in this order: companies first, so a record's company
// is landed before or with it.
var objects = []object{
	{name: "companies", properties: []string{"name", "numberofemployees", "annualrevenue", "country", "industry"}},
	{name: "deals", properties: []string{"hubspot_owner_id", "amount", "closedate", "dealstage", "pipeline", "dealtype", "deal_currency_code"},
		assocs: []assoc{{to: "companies", field: "associatedcompanyid"}}},
	{name: "line_items", properties: []string{"hs_sku", "name", "quantity", "price", "amount", "hs_discount_percentage"},
		assocs: []assoc{{to: "deals", field: "deal_id"}}},
	{name: "tickets", properties: []string{"subject", "content", "hs_ticket_category", "hs_ticket_priority", "closed_date"},
		assocs: []assoc{{to: "companies", field: "associatedcompanyid"}, {to: "deals", rows: "ticket_deal"}}},
}

// Source is one HubSpot account.
type Source struct {
	SourceName string
	Settings   Settings
	// Vendors is the run's vendor configuration: the custom fields its
	// fields setting maps for the objects pulled are asked for as
	// properties.
	Vendors adapters.Config
	// Retries is how often a call is retried after a 5xx, a ten-secondly
	// 429, a network error or a timeout: 4 when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry of a 5xx or a network
	// error (1s when 0), doubled at each; a 429 waits its policy's window.
	Backoff time.Duration
	Logger  *slog.Logger
	// HTTPClient makes the calls (one with a 60s timeout when nil); a copy
	// of it that follows no redirect.
	HTTPClient *http.Client
	// Sleep waits between retries (a timer when nil; tests record the waits).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls of one object stand.
type cursor struct {
	// Modified (Unix milliseconds): every record changed before it is
	// landed, and those of Seen changed at it; 0 until a first listing
	// has completed.
	Modified int64    `json:"modified,omitempty"`
	Seen     []string `json:"seen,omitempty"`
	// After is the paging token a first listing that stopped continues
	// from; Started when (by HubSpot's clock) it began.
	After   string `json:"after,omitempty"`
	Started int64  `json:"started,omitempty"`
	// Archived (Unix milliseconds): every record archived before it is
	// landed.
	Archived int64 `json:"archived,omitempty"`
}

func (c cursor) String() string {
	switch {
	case c.Modified > 0:
		return time.UnixMilli(c.Modified).UTC().Format(time.RFC3339Nano)
	case c.After != "":
		return "after " + c.After
	}
	return ""
}

// Pull lands, for each object, what changed since its cursor, and the
// records archived since the last pull, as hubspot/<object>/run-NNNNNN.jsonl,
// then moves its cursor. An object's file is landed and its cursor saved
// before the next is read; when a call fails for good, what was read of the
// object is landed and its cursor is the last page's, so the next pull
// continues after it.
//
// A landed line is the API's record flattened: its properties lifted to
// top-level fields, its id as hs_object_id, archived (and archivedAt), and
// the ids of its associated records in the fields the adapter reads
// (associatedcompanyid, deal_id). The adapters read top-level fields, as
// HubSpot's exports and connector tables name them (property names); the
// API nests them under properties and returns associations apart.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "hubspot"}
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
	c := &client{http: etl.NoRedirects(s.HTTPClient, 60*time.Second), base: s.Settings.base(), token: token, retries: s.retries(), backoff: s.Backoff,
		reserve: s.Settings.DailyReserve, sleep: s.Sleep, log: log, dailyLeft: -1}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	if c.sleep == nil {
		c.sleep = sleep
	}
	for _, o := range objects {
		p := &objectPull{src: s, c: c, o: o, env: env, cursors: cursors}
		objs, err := p.run(ctx)
		rep.Objects = append(rep.Objects, objs...)
		if err != nil {
			return rep, fmt.Errorf("hubspot/%s: %w", o.name, c.redact(err))
		}
		for _, obj := range objs {
			log.Info("pulled object", "source", s.SourceName, "object", obj.Object, "rows", obj.Rows, "deleted", obj.Deleted, "file", obj.File)
		}
	}
	return rep, nil
}

func (s *Source) retries() int {
	if s.Retries == 0 {
		return 4
	}
	return max(s.Retries, 0)
}

// record is a CRM object as the objects and search APIs return it
// (https://developers.hubspot.com/docs/api/crm/understanding-the-crm).
type record struct {
	ID         string             `json:"id"`
	Properties map[string]*string `json:"properties"`
	CreatedAt  string             `json:"createdAt"`
	UpdatedAt  string             `json:"updatedAt"`
	Archived   bool               `json:"archived"`
	ArchivedAt string             `json:"archivedAt,omitempty"`
}

// page is a list or search answer.
type page struct {
	Results []record `json:"results"`
	Paging  struct {
		Next struct {
			After string `json:"after"`
		} `json:"next"`
	} `json:"paging"`
}

// modified is when HubSpot last changed r, in Unix milliseconds (0 when
// it does not say).
func (r record) modified() int64 {
	v := r.UpdatedAt
	if p := r.Properties[modifiedProperty]; p != nil && *p != "" {
		v = *p
	}
	return millis(v)
}

// millis reads a HubSpot time (ISO 8601, or Unix milliseconds) as Unix
// milliseconds; 0 when it is none.
func millis(v string) int64 {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UnixMilli()
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// objectPull is the pull of one object in one run.
type objectPull struct {
	src     *Source
	c       *client
	o       object
	env     etl.PullEnv
	cursors map[string]cursor
	props   []string // the properties asked for
	cur     cursor
	asOf    time.Time // the Date of this pull's first search answer
	file    *etl.JSONLines
	rows    *etl.JSONLines // the association rows, when the object has some
	deleted int64
}

// run lands what changed, then what was archived, and saves the cursor.
func (p *objectPull) run(ctx context.Context) ([]etl.PullObject, error) {
	key := "hubspot/" + p.o.name
	p.cur = p.cursors[key]
	p.props = p.properties()
	since := p.cur.String()
	p.file = etl.NewJSONLines(p.env, p.src.SourceName, key)
	var rowsName string
	for _, a := range p.o.assocs {
		if a.rows != "" {
			rowsName = "hubspot/" + a.rows
			p.rows = etl.NewJSONLines(p.env, p.src.SourceName, rowsName)
		}
	}
	err := p.changed(ctx)
	if err == nil {
		err = p.archived(ctx)
	}
	p.holdBack()
	// Land what was read and save the cursor, after a failure too.
	obj := etl.PullObject{Object: key, Table: "/crm/v3/objects/" + p.o.name, Since: since}
	out := []etl.PullObject{}
	var lerr error
	if obj.File, lerr = p.file.Land(); lerr != nil {
		p.file.Discard()
		if p.rows != nil {
			p.rows.Discard()
		}
		return []etl.PullObject{obj}, errors.Join(err, lerr)
	}
	obj.Rows, obj.Deleted, obj.Cursor = p.file.Rows(), p.deleted, p.cur.String()
	out = append(out, obj)
	if p.rows != nil {
		ro := etl.PullObject{Object: rowsName, Table: "/crm/v4/associations/" + p.o.name, Since: since, Cursor: obj.Cursor}
		if ro.File, lerr = p.rows.Land(); lerr != nil {
			p.rows.Discard()
			return out, errors.Join(err, lerr)
		}
		ro.Rows = p.rows.Rows()
		out = append(out, ro)
	}
	p.cursors[key] = p.cur
	if serr := etl.SaveCursors(p.env.Cursors, p.cursors); serr != nil {
		return out, errors.Join(err, serr)
	}
	return out, err
}

// properties are the properties every call asks for: those the adapter
// reads and the custom fields vendors.fields maps for the object (by their
// internal names, as HubSpot's exports head them; docs/vendors.md).
func (p *objectPull) properties() []string {
	out := append([]string{"hs_object_id", "createdate", modifiedProperty}, p.o.properties...)
	mine, _ := adapters.Lookup("hubspot/" + p.o.name)
	for _, id := range slices.Sorted(maps.Keys(p.src.Vendors.CustomFields)) {
		if o, ok := adapters.Lookup(id); !ok || o != mine {
			continue
		}
		for _, name := range slices.Sorted(maps.Values(p.src.Vendors.CustomFields[id])) {
			if name = strings.TrimSpace(name); name != "" && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// changed lands the records changed since the cursor: all of them, listed
// page by page, on the first pull; then, by the search API, those changed
// since (settle before the first listing's start, or the last record
// landed), oldest first.
func (p *objectPull) changed(ctx context.Context) error {
	path := "/crm/v3/objects/" + p.o.name
	if p.cur.Modified == 0 {
		for {
			q := url.Values{"limit": {strconv.Itoa(pageSize)}, "archived": {"false"}, "properties": {strings.Join(p.props, ",")}}
			if p.cur.After != "" {
				q.Set("after", p.cur.After)
			}
			var pg page
			date, err := p.c.do(ctx, http.MethodGet, path, q, nil, &pg)
			if err != nil {
				return err
			}
			if p.cur.Started == 0 {
				p.cur.Started = date.UnixMilli()
				if date.IsZero() {
					p.cur.Started = time.Now().UnixMilli()
				}
			}
			if err := p.land(ctx, pg.Results); err != nil {
				return err
			}
			if p.cur.After = pg.Paging.Next.After; p.cur.After == "" {
				break
			}
		}
		p.cur.Modified, p.cur.Started = p.cur.Started-settle.Milliseconds(), 0
	}
	return p.search(ctx)
}

// holdBack moves the cursor back to settle before the search's start when it
// passed that: what changed since is searched again by the next pull.
func (p *objectPull) holdBack() {
	if p.asOf.IsZero() {
		return
	}
	if limit := p.asOf.Add(-settle).UnixMilli(); p.cur.Modified > limit {
		p.cur.Modified, p.cur.Seen = limit, nil
	}
}

// searchRequest is the search API's body
// (https://developers.hubspot.com/docs/api/crm/search).
type searchRequest struct {
	FilterGroups []filterGroup `json:"filterGroups"`
	Sorts        []sortRule    `json:"sorts"`
	Properties   []string      `json:"properties"`
	Limit        int           `json:"limit"`
	After        string        `json:"after,omitempty"`
}

type filterGroup struct {
	Filters []filter `json:"filters"`
}

type filter struct {
	PropertyName string `json:"propertyName"`
	Operator     string `json:"operator"`
	Value        string `json:"value"`
}

type sortRule struct {
	PropertyName string `json:"propertyName"`
	Direction    string `json:"direction"`
}

// search lands the records changed at or after the cursor's time, but for
// those already landed at exactly it (Seen), oldest first: modification
// times are in milliseconds and several records may share one, so each
// search starts at the last time landed rather than after it. After each
// page it searches again from the cursor instead of following the page's
// paging.next.after: that is an offset into the results sorted by
// modification time, and a record changed while the pull pages moves to
// their end, shifting the rest forward, so an offset would skip one. It
// follows the offset only while the pages hold no time later than the one
// searched from (more than a page of records changed in one millisecond),
// as far as the search pages (searchCap results).
func (p *objectPull) search(ctx context.Context) error {
	path := "/crm/v3/objects/" + p.o.name + "/search"
	after, from := "", p.cur.Modified
	for {
		req := searchRequest{
			FilterGroups: []filterGroup{{Filters: []filter{{PropertyName: modifiedProperty, Operator: "GTE", Value: strconv.FormatInt(from, 10)}}}},
			Sorts:        []sortRule{{PropertyName: modifiedProperty, Direction: "ASCENDING"}},
			Properties:   p.props,
			Limit:        pageSize,
			After:        after,
		}
		var pg page
		date, err := p.c.do(ctx, http.MethodPost, path, nil, req, &pg)
		if err != nil {
			return err
		}
		if p.asOf.IsZero() {
			p.asOf = cmp.Or(date, time.Now())
		}
		var fresh []record
		for _, r := range pg.Results {
			if r.modified() != p.cur.Modified || !slices.Contains(p.cur.Seen, r.ID) {
				fresh = append(fresh, r)
			}
		}
		if err := p.land(ctx, fresh); err != nil {
			return err
		}
		for _, r := range fresh {
			switch m := r.modified(); {
			case m > p.cur.Modified:
				p.cur.Modified, p.cur.Seen = m, []string{r.ID}
			case m == p.cur.Modified:
				p.cur.Seen = append(p.cur.Seen, r.ID)
			}
		}
		next := pg.Paging.Next.After
		switch {
		case next == "":
			return nil
		case p.cur.Modified > from:
			after, from = "", p.cur.Modified
		default:
			if n, err := strconv.Atoi(next); err == nil && n >= searchCap {
				return fmt.Errorf("POST %s: more than %d records were changed at %s: the search cannot page past them", path, searchCap, p.cur)
			}
			after = next
		}
	}
}

// archived lands the records archived since the last pull. The API lists
// every archived record, oldest id first, so each pull pages through all
// of them and lands those archived after the cursor. When the listing is
// done the cursor moves to the latest archivedAt landed, but no later than
// settle before the listing's start (the Date of its first answer): a
// record archived while the listing pages, on a page already passed, may
// have been archived before one found on a later page.
func (p *objectPull) archived(ctx context.Context) error {
	path := "/crm/v3/objects/" + p.o.name
	after, latest := "", p.cur.Archived
	var start time.Time
	for {
		q := url.Values{"limit": {strconv.Itoa(pageSize)}, "archived": {"true"}, "properties": {strings.Join(p.props, ",")}}
		if after != "" {
			q.Set("after", after)
		}
		var pg page
		date, err := p.c.do(ctx, http.MethodGet, path, q, nil, &pg)
		if err != nil {
			return err
		}
		if start.IsZero() {
			start = cmp.Or(date, time.Now())
		}
		for _, r := range pg.Results {
			at := millis(r.ArchivedAt)
			if at <= p.cur.Archived {
				continue
			}
			if err := p.file.Add(flatten(r, p.o, nil)); err != nil {
				return err
			}
			p.deleted++
			latest = max(latest, at)
		}
		p.progress()
		if after = pg.Paging.Next.After; after == "" {
			p.cur.Archived = min(latest, start.Add(-settle).UnixMilli())
			return nil
		}
	}
}

// land reads the associations of a page of records and lands them.
func (p *objectPull) land(ctx context.Context, recs []record) error {
	if len(recs) == 0 {
		p.progress()
		return nil
	}
	ids := make([]string, len(recs))
	for i, r := range recs {
		ids[i] = r.ID
	}
	linked := map[string]map[string][]associated{} // by association type, then record id
	for _, a := range p.o.assocs {
		m, err := p.c.associations(ctx, p.o.name, a.to, ids)
		if err != nil {
			return err
		}
		linked[a.to] = m
	}
	for _, r := range recs {
		fields := map[string]any{}
		for _, a := range p.o.assocs {
			to := linked[a.to][r.ID]
			if a.field != "" {
				fields[a.field] = first(to)
				continue
			}
			for _, t := range to {
				row, _ := json.Marshal(map[string]string{"ticket_id": r.ID, "deal_id": t.id})
				if err := p.rows.Add(row); err != nil {
					return err
				}
			}
		}
		if err := p.file.Add(flatten(r, p.o, fields)); err != nil {
			return err
		}
	}
	p.progress()
	return nil
}

func (p *objectPull) progress() {
	if p.env.Progress != nil {
		p.env.Progress(etl.Progress{Stage: "pull", Entity: "hubspot/" + p.o.name, Rows: p.file.Rows()})
	}
}

// flatten is the landed line of a record: its properties as top-level
// fields, its id as hs_object_id, archived and archivedAt, and the
// association fields (null when it has none, so every line names them).
func flatten(r record, o object, fields map[string]any) json.RawMessage {
	m := map[string]any{}
	for k, v := range r.Properties {
		m[k] = v
	}
	m["hs_object_id"] = r.ID
	if v, ok := m[modifiedProperty].(*string); !ok || v == nil || *v == "" {
		m[modifiedProperty] = r.UpdatedAt
	}
	m["archived"] = r.Archived
	if r.ArchivedAt != "" {
		m["archivedAt"] = r.ArchivedAt
	}
	for _, a := range o.assocs {
		if a.field != "" {
			m[a.field] = fields[a.field]
		}
	}
	b, _ := json.Marshal(m)
	return b
}
