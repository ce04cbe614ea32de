package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
)

// Source is one Salesforce org.
type Source struct {
	SourceName string
	Settings   Settings
	// Vendors names the custom fields the configuration maps
	// (vendors.fields): they are read besides the adapters' fields.
	Vendors adapters.Config
	// Retries is how often a call is retried after a 5xx, a 429, a network
	// error or a timeout: 4 when 0, none when negative.
	Retries int
	// Backoff is the wait before the first retry (1s when 0), doubled at
	// each; a 429's Retry-After wins.
	Backoff time.Duration
	// Poll is the wait before a Bulk API 2.0 job's state is read again (2s
	// when 0), doubled up to 30s while the job runs.
	Poll   time.Duration
	Logger *slog.Logger
	// HTTPClient makes the calls (one with a 120s timeout when nil); a copy
	// of it is used that follows no redirect.
	HTTPClient *http.Client
}

// Name is the source's name.
func (s *Source) Name() string { return s.SourceName }

// cursor is where the pulls of one object stand: the greatest
// SystemModstamp landed, as a SOQL dateTime literal in UTC.
type cursor struct {
	SystemModstamp string `json:"system_modstamp,omitempty"`
}

// Pull lands, for each object the adapters read that the org has, the
// records changed since its cursor (deleted ones with IsDeleted true) as
// salesforce/<Object>/run-NNNNNN.jsonl, one record a line, then moves its
// cursor. An object's file is landed and its cursor saved before the next
// is read; when a call fails for good, or the next call would pass
// api_share, what was read of the object is landed, its cursor moves to
// what was landed, and the pull fails saying why.
func (s *Source) Pull(ctx context.Context, env etl.PullEnv) (etl.PullReport, error) {
	rep := etl.PullReport{Kind: "salesforce"}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	auth, err := newAuthenticator(s.Settings)
	if err != nil {
		return rep, err
	}
	cursors := map[string]cursor{} // by object, salesforce/<Object>
	if err := etl.LoadCursors(env.Cursors, &cursors); err != nil {
		return rep, err
	}
	c := &client{http: etl.NoRedirects(s.HTTPClient, 120*time.Second), auth: auth, version: s.Settings.apiVersion(), share: s.Settings.apiShare(),
		retries: s.retries(), backoff: s.Backoff, log: log}
	if c.backoff <= 0 {
		c.backoff = time.Second
	}
	for _, o := range s.objects() {
		p := &objectPull{src: s, c: c, env: env, object: o, cursors: cursors, log: log}
		obj, err := p.pull(ctx)
		if obj.Object != "" {
			rep.Objects = append(rep.Objects, obj)
		}
		if err != nil {
			return rep, fmt.Errorf("salesforce %s: %w", o.Name, c.redact(err))
		}
	}
	log.Info("salesforce pull done", "source", s.SourceName, "calls", c.calls, "api_usage", c.used, "api_limit", c.limit)
	return rep, nil
}

func (s *Source) retries() int {
	if s.Retries == 0 {
		return 4
	}
	return max(s.Retries, 0)
}

// objects are the objects pulled: the objects setting's, else every object
// the adapters read.
func (s *Source) objects() []*adapters.Object {
	if len(s.Settings.Objects) == 0 {
		return adapterObjects()
	}
	var out []*adapters.Object
	for _, name := range s.Settings.Objects {
		if o, ok := adapterObject(name); ok {
			out = append(out, o)
		}
	}
	return out
}

// describedField is a field as an object's describe lists it.
type describedField struct {
	Name string `json:"name"`
	Type string `json:"type"` // id, string, boolean, double, currency, percent, int, date, datetime, reference, picklist, ...
}

// describe is what the pull reads of /sobjects/<Object>/describe.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
type describe struct {
	Name      string           `json:"name"`
	Queryable bool             `json:"queryable"`
	Fields    []describedField `json:"fields"`
}

// objectPull is the pull of one object.
type objectPull struct {
	src     *Source
	c       *client
	env     etl.PullEnv
	object  *adapters.Object
	cursors map[string]cursor
	log     *slog.Logger

	fields  []describedField
	file    *etl.JSONLines
	deleted int64
}

// key names the object in landing and in the cursors: salesforce/<Object>.
func (p *objectPull) key() string { return "salesforce/" + p.object.Name }

// required are the objects every org has: one the user cannot read fails
// the pull rather than landing nothing.
var required = []string{"Account", "Opportunity"}

// pull reads the object's describe, then its changed records through REST
// queryAll or, when more than bulk_threshold changed, Bulk API 2.0. An
// object the org does not have (describe answers 404, once the instance is
// known to serve the API version), or the user cannot query, is skipped,
// saying so in its PullObject; Account and Opportunity are not.
func (p *objectPull) pull(ctx context.Context) (etl.PullObject, error) {
	res, err := p.c.do(ctx, http.MethodGet, p.c.apiPath("/sobjects/"+p.object.Name+"/describe"), nil)
	if errors.Is(err, errNotFound) {
		if err := p.c.checkVersion(ctx); err != nil {
			return etl.PullObject{}, err
		}
		return p.skip("not in the org, or not visible to the user (describe answered 404)")
	}
	if err != nil {
		return etl.PullObject{}, err
	}
	var d describe
	if err := json.Unmarshal(res.body, &d); err != nil {
		return etl.PullObject{}, fmt.Errorf("describe: the answer is not JSON: %w", err)
	}
	if !d.Queryable {
		return p.skip("not queryable by the user (describe says queryable false)")
	}
	p.fields = present(wanted(p.object, p.src.Vendors), d.Fields)
	if !p.has(fieldID) || !p.has(fieldModstamp) {
		return etl.PullObject{}, fmt.Errorf("describe lists no %s or %s field", fieldID, fieldModstamp)
	}
	cur := p.cursors[p.key()]
	obj := etl.PullObject{Object: p.key(), Table: p.object.Name, Since: cur.SystemModstamp}
	p.file = etl.NewJSONLines(p.env, p.src.SourceName, p.key())
	// landed is the cursor of what is landed: the pull's error, if any, is
	// returned with what was read landed and the cursor moved to it.
	land := func(landed cursor, failed error) (etl.PullObject, error) {
		var err error
		if obj.File, err = p.file.Land(); err != nil {
			p.file.Discard()
			return obj, errors.Join(failed, err)
		}
		obj.Rows, obj.Deleted, obj.Cursor = p.file.Rows(), p.deleted, landed.SystemModstamp
		p.cursors[p.key()] = landed
		if err := etl.SaveCursors(p.env.Cursors, p.cursors); err != nil {
			return obj, errors.Join(failed, err)
		}
		p.log.Info("salesforce object pulled", "source", p.src.SourceName, "object", p.object.Name, "rows", obj.Rows, "deleted", obj.Deleted, "file", obj.File)
		return obj, failed
	}
	landed, err := p.rest(ctx, cur)
	if errors.Is(err, errLarge) {
		landed, err = p.bulk(ctx, cur)
	}
	return land(landed, err)
}

// skip reports the object skipped for reason, or fails when it is one
// every org has.
func (p *objectPull) skip(reason string) (etl.PullObject, error) {
	if slices.Contains(required, p.object.Name) {
		return etl.PullObject{}, fmt.Errorf("%s: every org has %s; the user needs read access to it (its profile or a permission set)", reason, p.object.Name)
	}
	p.log.Info("salesforce object skipped", "source", p.src.SourceName, "object", p.object.Name, "reason", reason)
	return etl.PullObject{Object: p.key(), Table: p.object.Name, Skipped: reason}, nil
}

// has says whether the object is read with field name.
func (p *objectPull) has(name string) bool {
	for _, f := range p.fields {
		if f.Name == name {
			return true
		}
	}
	return false
}

// soql is the query of the records changed since the cursor, ordered by
// SystemModstamp when ordered (Bulk API 2.0 queries are not: ORDER BY
// slows them).
func (p *objectPull) soql(cur cursor, ordered bool) string {
	names := make([]string, len(p.fields))
	for i, f := range p.fields {
		names[i] = f.Name
	}
	q := "SELECT " + strings.Join(names, ", ") + " FROM " + p.object.Name
	if cur.SystemModstamp != "" {
		q += " WHERE " + fieldModstamp + " > " + cur.SystemModstamp
	}
	if ordered {
		q += " ORDER BY " + fieldModstamp
	}
	return q
}

// errLarge says the REST query matched more records than bulk_threshold.
var errLarge = errors.New("more records than bulk_threshold")

// queryPage is one answer of the query resources.
// https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
type queryPage struct {
	TotalSize      int               `json:"totalSize"`
	Done           bool              `json:"done"`
	NextRecordsURL string            `json:"nextRecordsUrl"`
	Records        []json.RawMessage `json:"records"`
}

// rest reads the changed records through queryAll, page by page through
// nextRecordsUrl, and returns the cursor of what it added to the file:
// the last record's SystemModstamp once every page is read; after a
// failure, the greatest SystemModstamp all of whose records were added
// (the records are ordered by it). It returns errLarge, having added
// nothing, when the first page says more than bulk_threshold records
// match.
func (p *objectPull) rest(ctx context.Context, cur cursor) (cursor, error) {
	path := p.c.apiPath("/queryAll/?q=" + url.QueryEscape(p.soql(cur, true)))
	var last, complete, asOf time.Time
	landed := func() cursor { return moved(cur, complete, asOf) }
	for first := true; ; first = false {
		res, err := p.c.do(ctx, http.MethodGet, path, nil)
		if err != nil {
			return landed(), err
		}
		if first {
			asOf = serverTime(res)
		}
		var pg queryPage
		if err := json.Unmarshal(res.body, &pg); err != nil {
			return landed(), fmt.Errorf("GET %s: the answer is not a query result: %w", path, err)
		}
		if first && pg.TotalSize > p.src.Settings.bulkThreshold() {
			p.log.Info("salesforce object through Bulk API 2.0", "object", p.object.Name, "records", pg.TotalSize, "bulk_threshold", p.src.Settings.bulkThreshold())
			return cur, errLarge
		}
		for _, raw := range pg.Records {
			rec, err := p.add(raw)
			if err != nil {
				return landed(), err
			}
			t, err := modstamp(rec)
			if err != nil {
				return landed(), err
			}
			if t.Before(last) {
				return landed(), fmt.Errorf("GET %s: the records are not ordered by SystemModstamp", path)
			}
			if t.After(last) && !last.IsZero() {
				complete = last
			}
			last = t
		}
		p.progress()
		if pg.Done {
			if !last.IsZero() {
				complete = last
			}
			return landed(), nil
		}
		if !strings.HasPrefix(pg.NextRecordsURL, "/services/data/") {
			return landed(), fmt.Errorf("GET %s: not done, and nextRecordsUrl %q is no query locator", path, pg.NextRecordsURL)
		}
		path = pg.NextRecordsURL
	}
}

// add writes one REST record to the file without its attributes, counts it
// deleted when IsDeleted is true, and returns it.
func (p *objectPull) add(raw json.RawMessage) (map[string]json.RawMessage, error) {
	var rec map[string]json.RawMessage
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("a record is not a JSON object: %w", err)
	}
	delete(rec, "attributes")
	line, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	if err := p.file.Add(line); err != nil {
		return nil, err
	}
	if string(rec[fieldDeleted]) == "true" {
		p.deleted++
	}
	return rec, nil
}

func (p *objectPull) progress() {
	if p.env.Progress != nil {
		p.env.Progress(etl.Progress{Stage: "pull", Entity: p.key(), Rows: p.file.Rows()})
	}
}

// modstamp is a record's SystemModstamp.
func modstamp(rec map[string]json.RawMessage) (time.Time, error) {
	var s string
	if err := json.Unmarshal(rec[fieldModstamp], &s); err != nil || s == "" {
		return time.Time{}, fmt.Errorf("a record has no SystemModstamp")
	}
	return parseTime(s)
}

// parseTime reads a dateTime as the REST API writes it
// (2025-05-11T21:46:40.000+0000) or Bulk API 2.0's CSV does
// (2025-05-11T21:46:40.000Z).
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05.000Z07:00", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("SystemModstamp %q is not a dateTime", s)
}

// settle is how long before the server's time of a query a record's
// SystemModstamp must be for the cursor to pass it: a record saved in a
// transaction that commits after the query may carry a slightly earlier
// SystemModstamp, and is read by the next pull.
const settle = time.Minute

// moved is the cursor after landing records up to SystemModstamp landed
// (none when zero), from a query the server answered at asOf.
func moved(cur cursor, landed, asOf time.Time) cursor {
	if landed.IsZero() {
		return cur
	}
	if !asOf.IsZero() && landed.After(asOf.Add(-settle)) {
		landed = asOf.Add(-settle)
	}
	next := soqlTime(landed)
	if next < cur.SystemModstamp {
		return cur
	}
	return cursor{SystemModstamp: next}
}

// serverTime is the Date header of an answer, or zero.
func serverTime(res *response) time.Time {
	t, err := http.ParseTime(res.header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// soqlTime is t as a SOQL dateTime literal, truncated to the second: a
// cursor never passes a record it did not land (one landed in the same
// second is read again, and loads once).
func soqlTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}
