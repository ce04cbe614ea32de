// Package hubspotfake is a HubSpot account for tests: an httptest server
// that answers the CRM objects, search and associations APIs as HubSpot's
// documentation shows (cited below), with the records tests give it.
package hubspotfake

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Token is the private app's access token the account accepts (no real
// one).
const Token = "pat-na1-11111111-2222-3333-4444-555555555555"

// HubSpot answers as HubSpot's documentation shows:
//   - the CRM objects API, https://developers.hubspot.com/docs/api/crm/understanding-the-crm:
//     GET /crm/v3/objects/{objectType}?limit=&after=&properties=&archived=
//     answers {"results": [{"id", "properties", "createdAt", "updatedAt",
//     "archived"(, "archivedAt")}], "paging": {"next": {"after", "link"}}},
//     no paging on the last page; every property asked for is in
//     properties, null when unset; archived=true lists the archived
//     records (archived true, archivedAt);
//   - the search API, https://developers.hubspot.com/docs/api/crm/search:
//     POST /crm/v3/objects/{objectType}/search with filterGroups, sorts,
//     properties, limit and after; the answer holds total, results and
//     paging.next.after (an offset into the results as they stand when
//     asked: a record changed meanwhile moves); paging past 10,000 results
//     answers 400; archived records are never found; "it may take a few
//     moments for newly created or updated CRM objects to appear in
//     search results" ("Limitations"): a record is found once the
//     account's clock reaches its Indexed time; its answers carry no
//     X-HubSpot-RateLimit-Daily headers;
//   - the associations API v4, https://developers.hubspot.com/docs/api/crm/associations:
//     POST /crm/v4/associations/{from}/{to}/batch/read {"inputs": [{"id"}]}
//     answers per record {"from": {"id"}, "to": [{"toObjectId", "associationTypes":
//     [{"category", "typeId", "label"}]}]}; a record without associations is
//     an error of subCategory crm.associations.NO_ASSOCIATIONS_FOUND, and
//     the answer is then 207 Multi-Status;
//   - rate limits, https://developers.hubspot.com/docs/api/usage-details:
//     X-HubSpot-RateLimit-Daily, -Daily-Remaining, -Interval-Milliseconds,
//     -Max and -Remaining headers; 429 with {"status": "error", "message",
//     "errorType": "RATE_LIMIT", "correlationId", "policyName":
//     "TEN_SECONDLY_ROLLING" or "DAILY"};
//   - authentication, https://developers.hubspot.com/docs/api/private-apps:
//     Authorization: Bearer <the private app's access token>, else 401
//     {"status": "error", "message": "Authentication credentials not found...",
//     "category": "INVALID_AUTHENTICATION", "correlationId"};
//   - every answer carries the account's time in its Date header (RFC 9110).
type HubSpot struct {
	mu        sync.Mutex
	objects   map[string][]*Record           // by object type, in id order
	assocs    map[string]map[string][]string // "deals/companies" -> from id -> to ids (the first primary)
	fails     []*Failure
	dailyLeft int
	now       time.Time // the account's clock; zero: the real one
	hook      func(call string)
	calls     []string // METHOD path?query, and a search's filter value and after
	srv       *httptest.Server
}

// Record is a CRM record.
type Record struct {
	ID         string
	Props      map[string]string
	Created    time.Time // Modified when zero
	Modified   time.Time
	ArchivedAt time.Time // zero: not archived
	// Indexed is when the search finds this version of the record: at
	// once when zero.
	Indexed time.Time
}

// Failure answers the calls it matches (Method and Path, and a substring
// Has of the query or the body) with Status, Times times (-1: always).
type Failure struct {
	Method, Path, Has string
	Status            int
	Policy            string        // a 429's policyName
	Delay             time.Duration // answer late (a timeout)
	Times             int
}

const correlationID = "aeb5f871-7f07-4993-9211-075dc63e7cbf"

// New starts an empty account, closed when tb ends.
func New(tb testing.TB) *HubSpot {
	f := &HubSpot{objects: map[string][]*Record{}, assocs: map[string]map[string][]string{}, dailyLeft: 249000}
	f.srv = httptest.NewServer(f)
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the account's API address (api_url).
func (f *HubSpot) URL() string { return f.srv.URL }

// Put adds or replaces a record of object type typ.
func (f *HubSpot) Put(typ string, r Record) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Created.IsZero() {
		r.Created = r.Modified
	}
	list := f.objects[typ]
	if i := slices.IndexFunc(list, func(x *Record) bool { return x.ID == r.ID }); i >= 0 {
		list[i] = &r
		return
	}
	list = append(list, &r)
	slices.SortFunc(list, func(a, b *Record) int { return num(a.ID) - num(b.ID) })
	f.objects[typ] = list
}

// Records are the records of object type typ, in id order.
func (f *HubSpot) Records(typ string) []Record {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Record, len(f.objects[typ]))
	for i, r := range f.objects[typ] {
		out[i] = *r
	}
	return out
}

// Link associates from's record id with to's records toIDs, the first one
// primary.
func (f *HubSpot) Link(from, to, id string, toIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := from + "/" + to
	if f.assocs[k] == nil {
		f.assocs[k] = map[string][]string{}
	}
	f.assocs[k][id] = toIDs
}

// Links are the associations from object type from to to: the associated
// ids by record id, the primary first.
func (f *HubSpot) Links(from, to string) map[string][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.assocs[from+"/"+to])
}

// FailOn adds a failure.
func (f *HubSpot) FailOn(fl Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, &fl)
}

// Heal drops the failures: every call is answered again.
func (f *HubSpot) Heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = nil
}

// SetDailyLeft sets the calls left today (X-HubSpot-RateLimit-Daily-Remaining
// of the next answer is one less).
func (f *HubSpot) SetDailyLeft(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dailyLeft = n
}

// SetNow sets the account's clock (its answers' Date, and what the search
// finds); the real time when zero.
func (f *HubSpot) SetNow(t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = t
}

// OnCall has hook called with each call as Reset lists it, before it is
// answered, so a test can change records while a pull pages.
func (f *HubSpot) OnCall(hook func(call string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = hook
}

// Reset returns the calls made since the last Reset: METHOD path?query,
// and for a search " GTE <filter value> after <after quoted>".
func (f *HubSpot) Reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

func (f *HubSpot) clock() time.Time {
	if f.now.IsZero() {
		return time.Now().UTC()
	}
	return f.now
}

func num(s string) int { n, _ := strconv.Atoi(s); return n }

// describe is a call as Reset lists it.
func describe(r *http.Request, body []byte) string {
	call := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		call += "?" + r.URL.RawQuery
	}
	if strings.HasSuffix(r.URL.Path, "/search") {
		var req struct {
			FilterGroups []struct {
				Filters []struct{ Value string } `json:"filters"`
			} `json:"filterGroups"`
			After string `json:"after"`
		}
		json.Unmarshal(body, &req)
		v := ""
		if len(req.FilterGroups) > 0 && len(req.FilterGroups[0].Filters) > 0 {
			v = req.FilterGroups[0].Filters[0].Value
		}
		call += fmt.Sprintf(" GTE %s after %q", v, req.After)
	}
	return call
}

func (f *HubSpot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	call := describe(r, body)
	f.mu.Lock()
	hook := f.hook
	f.mu.Unlock()
	if hook != nil {
		hook(call)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	w.Header().Set("Date", f.clock().UTC().Format(http.TimeFormat))
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if r.Header.Get("Authorization") != "Bearer "+Token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"%s","category":"INVALID_AUTHENTICATION"}`, correlationID)
		return
	}
	search := strings.HasSuffix(r.URL.Path, "/search")
	if !search {
		f.dailyLeft--
		w.Header().Set("X-HubSpot-RateLimit-Daily", "250000")
		w.Header().Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(f.dailyLeft))
		w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
		w.Header().Set("X-HubSpot-RateLimit-Max", "100")
		w.Header().Set("X-HubSpot-RateLimit-Remaining", "99")
	}
	if f.fail(w, r, body) {
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 4 && parts[0] == "crm" && parts[1] == "v3" && parts[2] == "objects":
		f.list(w, r, parts[3])
	case r.Method == http.MethodPost && len(parts) == 5 && parts[2] == "objects" && parts[4] == "search":
		f.search(w, parts[3], body)
	case r.Method == http.MethodPost && len(parts) == 7 && parts[1] == "v4" && parts[2] == "associations" && parts[5] == "batch" && parts[6] == "read":
		f.batchRead(w, parts[3], parts[4], body)
	default:
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprintf(w, `{"status":"error","message":"Unable to infer object type from: %s","correlationId":"%s","category":"OBJECT_NOT_FOUND"}`, parts[len(parts)-1], correlationID)
	}
}

// fail answers r with the first failure matching it, if any.
func (f *HubSpot) fail(w http.ResponseWriter, r *http.Request, body []byte) bool {
	for _, fl := range f.fails {
		if fl.Times == 0 || fl.Method != r.Method || fl.Path != r.URL.Path || !strings.Contains(r.URL.RawQuery+string(body), fl.Has) {
			continue
		}
		fl.Times--
		if fl.Delay > 0 {
			f.mu.Unlock()
			time.Sleep(fl.Delay)
			f.mu.Lock()
		}
		if fl.Policy == "TEN_SECONDLY_ROLLING" {
			w.Header().Set("X-HubSpot-RateLimit-Remaining", "0")
		}
		w.WriteHeader(fl.Status)
		switch {
		case fl.Status == http.StatusTooManyRequests:
			fmt.Fprintf(w, `{"status":"error","message":"You have reached your %s limit.","errorType":"RATE_LIMIT","correlationId":"%s","policyName":"%s","requestId":"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"}`,
				strings.ToLower(fl.Policy), correlationID, fl.Policy)
		default:
			fmt.Fprintf(w, `{"status":"error","message":"internal error","correlationId":"%s","category":"INTERNAL_ERROR"}`, correlationID)
		}
		return true
	}
	return false
}
