package netsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
)

// pageSize is the most results SuiteQL answers in one page.
const pageSize = 1000

// Source is one NetSuite account.
type Source struct {
	SourceName string
	Settings   Settings
	// Vendors.TimeZones["netsuite"] is the time zone of the token's user
	// (its Set Preferences time zone), the clock SuiteQL writes and reads
	// times on, which the adapters read the landed times in too. Known,
	// the cursor trails the server's time by a minute and skips the hour
	// the end of daylight saving time repeats; unset, it trails by up to a
	// day (as on the earliest clock, UTC-12). See settled.
	Vendors adapters.Config
	// Retries is how often a call is retried after a 5xx, a 429, a network
	// error or a timeout: 4 when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry (1s when 0), doubled at
	// each; a 429 with a Retry-After header waits what it says.
	Backoff time.Duration
	// PageSize is the results asked per call: 1000 (SuiteQL's most) when 0.
	PageSize int
	Logger   *slog.Logger
	// HTTPClient makes the calls (one with a 120s timeout when nil); a copy
	// of it is used that follows no redirect.
	HTTPClient *http.Client
}

// location is the zone of NetSuite's times, vendors.time_zones.netsuite;
// nil when it is not set.
func (s *Source) location() (*time.Location, error) {
	tz := s.Vendors.TimeZones["netsuite"]
	if tz == "" {
		return nil, nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("vendors.time_zones.netsuite: %w", err)
	}
	return loc, nil
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls of one object stand: the last record landed
// (its lastmodifieddate and keys) and the last deletion landed.
type cursor struct {
	Modified position `json:"lastmodifieddate"`
	Deleted  position `json:"deleteddate"`
}

func (c cursor) String() string {
	if c.Modified.Time == "" {
		return ""
	}
	return c.Modified.Time + " " + strings.Join(c.Modified.Keys, "/")
}

// Pull lands, for each object, the deletions and the records changed
// since its cursor as netsuite/<object>/run-NNNNNN.jsonl, then moves the
// cursor. An object's file is landed and its cursor saved before the next
// is read; when a call fails for good, what was read of the object is
// landed and its cursor is the last record landed, so the next pull
// continues after it.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "netsuite"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	auth, err := s.Settings.tokens()
	if err != nil {
		return rep, err
	}
	loc, err := s.location()
	if err != nil {
		return rep, err
	}
	cursors := map[string]cursor{} // by object
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	c := &client{http: etl.NoRedirects(s.HTTPClient, 120*time.Second), base: s.Settings.base(), auth: auth, retries: s.Retries, backoff: s.Backoff, log: log}
	if c.retries == 0 {
		c.retries = 4
	}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	limit := s.PageSize
	if limit <= 0 || limit > pageSize {
		limit = pageSize
	}
	for _, o := range objects {
		p := puller{c: c, o: o, extra: s.Settings.ExtraFields[o.table], limit: limit, env: env, loc: loc}
		obj, err := p.pull(ctx, s.SourceName, cursors)
		rep.Objects = append(rep.Objects, obj)
		if err != nil {
			return rep, fmt.Errorf("netsuite/%s: %w", o.table, c.redact(err))
		}
		log.Info("pulled object", "source", s.SourceName, "object", obj.Object, "rows", obj.Rows, "deleted", obj.Deleted, "file", obj.File)
	}
	return rep, nil
}

// puller reads one object.
type puller struct {
	c     *client
	o     object
	extra []string
	limit int
	env   etl.PullEnv
	file  *etl.JSONLines
	cur   cursor
	loc   *time.Location // the token user's time zone; nil when unknown
}

// pull lands the object's deletions, then its records, after its cursor.
func (p *puller) pull(ctx context.Context, source string, cursors map[string]cursor) (etl.PullObject, error) {
	name := "netsuite/" + p.o.table
	p.cur = cursors[name]
	obj := etl.PullObject{Object: name, Table: p.o.table, Since: p.cur.String()}
	p.file = etl.NewJSONLines(p.env, source, name)
	var deleted int64
	// land lands what was read and saves the cursor, after a failure too.
	land := func(failed error) (etl.PullObject, error) {
		var err error
		if obj.File, err = p.file.Land(); err != nil {
			p.file.Discard()
			return obj, errors.Join(failed, err)
		}
		obj.Rows, obj.Deleted, obj.Cursor = p.file.Rows(), deleted, p.cur.String()
		cursors[name] = p.cur
		if err := etl.SaveCursors(p.env.Cursors, cursors); err != nil {
			return obj, errors.Join(failed, err)
		}
		return obj, failed
	}
	if len(p.o.deleted) > 0 {
		n, err := p.read(ctx, func() string { return p.o.deletedQuery(p.cur.Deleted) }, p.deletion, &p.cur.Deleted)
		deleted = n
		if err != nil {
			return land(err)
		}
	}
	_, err := p.read(ctx, func() string { return p.o.query(p.cur.Modified, p.extra) }, p.record, &p.cur.Modified)
	return land(err)
}

// read lands the results of a query page by page until hasMore is false;
// add moves *cur to each result landed. Each page asks for the results
// after the last one landed (offset 0): SuiteQL runs the query again for
// every page, and a record changed between two pages moves to the end,
// which would shift later offsets past a record never read. A page that
// does not move *cur fails the read, which would otherwise ask for it
// forever. Once read, or failed, *cur is settled (see settled).
func (p *puller) read(ctx context.Context, query func() string, add func(map[string]json.RawMessage) error, cur *position) (int64, error) {
	var n int64
	start := *cur
	var asOf time.Time
	defer func() { *cur = settled(start, *cur, asOf, p.loc) }()
	for first := true; ; first = false {
		from := *cur
		pg, err := p.c.query(ctx, query(), p.limit)
		if err != nil {
			return n, err
		}
		if first {
			asOf = pg.date
		}
		for _, item := range pg.Items {
			if err := add(item); err != nil {
				return n, err
			}
			n++
		}
		if p.env.Progress != nil {
			p.env.Progress(etl.Progress{Stage: "pull", Entity: "netsuite/" + p.o.table, Rows: p.file.Rows()})
		}
		if !pg.HasMore {
			return n, nil
		}
		if len(pg.Items) == 0 {
			return n, errors.New("SuiteQL answered no results and hasMore true")
		}
		if !before(from, *cur) {
			return n, fmt.Errorf("SuiteQL answered a full page ending at %s, not after the position it was asked after (%s): "+
				"more records than a page share one second (lastmodifieddate may hold fractions of a second the cursor cannot tell apart)",
				cur, &from)
		}
	}
}

// record lands one record with every column (SuiteQL leaves out the
// fields that are null, and a landed file's columns are those of its first
// lines), and moves the cursor to it.
func (p *puller) record(item map[string]json.RawMessage) error {
	next := position{Time: text(item["lastmodifieddate"])}
	for _, k := range p.o.keys {
		next.Keys = append(next.Keys, text(item[k[1]]))
	}
	if err := check(next); err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, col := range p.o.columns(p.extra) {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(col)
		b.Write(k)
		b.WriteByte(':')
		if v, ok := item[col]; ok {
			b.Write(v)
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	if err := p.file.Add(b.Bytes()); err != nil {
		return err
	}
	p.cur.Modified = next
	return nil
}

// deletion lands a deleted record as the object's row holding its id,
// marked is_deleted (the adapters count it as deleted and remove what an
// earlier run loaded of it), with its deletion time as lastmodifieddate
// and its deletedrecord type as type; every other column is null.
func (p *puller) deletion(item map[string]json.RawMessage) error {
	next := position{Time: text(item["deleteddate"]), Keys: []string{text(item["recordid"])}}
	if err := check(next); err != nil {
		return err
	}
	row := map[string]any{}
	for _, col := range p.o.columns(p.extra) {
		row[col] = nil
	}
	row["id"], row["lastmodifieddate"], row["is_deleted"] = next.Keys[0], next.Time, true
	if _, ok := row["type"]; ok {
		// invoice or creditmemo: the adapters tell an invoice's key from
		// a credit note's by it.
		row["type"] = text(item["type"])
	}
	b, err := json.Marshal(row)
	if err != nil {
		return err
	}
	if err := p.file.Add(b); err != nil {
		return err
	}
	p.cur.Deleted = next
	return nil
}

// check refuses a position that could not be written back into a query.
func check(p position) error {
	if !tsRe.MatchString(p.Time) {
		return fmt.Errorf("SuiteQL answered a time %q, not YYYY-MM-DD HH24:MI:SS", p.Time)
	}
	for _, k := range p.Keys {
		if !keyRe.MatchString(k) {
			return fmt.Errorf("SuiteQL answered an id %q, not an internal id", k)
		}
	}
	return nil
}

// text is a JSON string's or number's text, "" for null or absent.
func text(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if len(v) == 0 || string(v) == "null" {
		return ""
	}
	return string(v)
}
