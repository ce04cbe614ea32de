package hubspot_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// fakeHubSpot answers as HubSpot's documentation shows:
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
//     paging.next.after (an offset); paging past 10,000 results answers 400;
//     archived records are never found; its answers carry no
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
//     "category": "INVALID_AUTHENTICATION", "correlationId"}.
type fakeHubSpot struct {
	mu        sync.Mutex
	token     string
	objects   map[string][]*fakeRecord       // by object type, in id order
	assocs    map[string]map[string][]string // "deals/companies" -> from id -> to ids (the first primary)
	fails     []*failure
	dailyLeft int
	calls     []string // METHOD path?query, and a search's filter value and after
	srv       *httptest.Server
}

type fakeRecord struct {
	id         string
	props      map[string]string
	created    time.Time
	modified   time.Time
	archivedAt time.Time // zero: not archived
}

// failure answers the calls it matches (method and path, and a substring of
// the query or the body) with a failure, times times (-1: always).
type failure struct {
	method, path, has string
	status            int
	policy            string        // a 429's policyName
	delay             time.Duration // answer late (a timeout)
	times             int
}

const correlationID = "aeb5f871-7f07-4993-9211-075dc63e7cbf"

func newFake(token string) *fakeHubSpot {
	f := &fakeHubSpot{token: token, objects: map[string][]*fakeRecord{}, assocs: map[string]map[string][]string{}, dailyLeft: 249000}
	f.srv = httptest.NewServer(f)
	return f
}

// put adds or changes a record.
func (f *fakeHubSpot) put(typ string, r *fakeRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.created.IsZero() {
		r.created = r.modified
	}
	list := f.objects[typ]
	if i := slices.IndexFunc(list, func(x *fakeRecord) bool { return x.id == r.id }); i >= 0 {
		list[i] = r
		return
	}
	list = append(list, r)
	slices.SortFunc(list, func(a, b *fakeRecord) int { return num(a.id) - num(b.id) })
	f.objects[typ] = list
}

// link associates from's record with to's records, the first one primary.
func (f *fakeHubSpot) link(from, to, id string, toIDs ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := from + "/" + to
	if f.assocs[k] == nil {
		f.assocs[k] = map[string][]string{}
	}
	f.assocs[k][id] = toIDs
}

func (f *fakeHubSpot) failOn(fl *failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fails = append(f.fails, fl)
}

func (f *fakeHubSpot) reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

func num(s string) int { n, _ := strconv.Atoi(s); return n }

func (f *fakeHubSpot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		call += "?" + r.URL.RawQuery
	}
	search := strings.HasSuffix(r.URL.Path, "/search")
	if search {
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
	f.calls = append(f.calls, call)
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"%s","category":"INVALID_AUTHENTICATION"}`, correlationID)
		return
	}
	if !search {
		f.dailyLeft--
		w.Header().Set("X-HubSpot-RateLimit-Daily", "250000")
		w.Header().Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(f.dailyLeft))
		w.Header().Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
		w.Header().Set("X-HubSpot-RateLimit-Max", "100")
		w.Header().Set("X-HubSpot-RateLimit-Remaining", "99")
	}
	for _, fl := range f.fails {
		if fl.times == 0 || fl.method != r.Method || fl.path != r.URL.Path || !strings.Contains(r.URL.RawQuery+string(body), fl.has) {
			continue
		}
		fl.times--
		if fl.delay > 0 {
			f.mu.Unlock()
			time.Sleep(fl.delay)
			f.mu.Lock()
		}
		if fl.policy == "TEN_SECONDLY_ROLLING" {
			w.Header().Set("X-HubSpot-RateLimit-Remaining", "0")
		}
		w.WriteHeader(fl.status)
		switch {
		case fl.status == http.StatusTooManyRequests:
			fmt.Fprintf(w, `{"status":"error","message":"You have reached your %s limit.","errorType":"RATE_LIMIT","correlationId":"%s","policyName":"%s","requestId":"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"}`,
				strings.ToLower(fl.policy), correlationID, fl.policy)
		default:
			fmt.Fprintf(w, `{"status":"error","message":"internal error","correlationId":"%s","category":"INTERNAL_ERROR"}`, correlationID)
		}
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

// object renders a record as the objects API does, with the properties asked for.
func object(r *fakeRecord, props []string) map[string]any {
	p := map[string]any{}
	for _, k := range props {
		if v, ok := r.props[k]; ok {
			p[k] = v
		} else {
			p[k] = nil
		}
	}
	p["hs_object_id"] = r.id
	p["createdate"] = r.created.Format("2006-01-02T15:04:05.000Z")
	p["hs_lastmodifieddate"] = r.modified.Format("2006-01-02T15:04:05.000Z")
	o := map[string]any{"id": r.id, "properties": p, "createdAt": r.created.Format("2006-01-02T15:04:05.000Z"),
		"updatedAt": r.modified.Format("2006-01-02T15:04:05.000Z"), "archived": !r.archivedAt.IsZero()}
	if !r.archivedAt.IsZero() {
		o["archivedAt"] = r.archivedAt.Format("2006-01-02T15:04:05.000Z")
	}
	return o
}

func (f *fakeHubSpot) list(w http.ResponseWriter, r *http.Request, typ string) {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	archived := q.Get("archived") == "true"
	start := 0
	if a := q.Get("after"); a != "" {
		b, err := base64.StdEncoding.DecodeString(a)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"status":"error","message":"Invalid input JSON on line 1","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
			return
		}
		start = num(string(b)) + 1
	}
	props := strings.Split(q.Get("properties"), ",")
	results := []map[string]any{}
	next := ""
	for _, rec := range f.objects[typ] {
		if num(rec.id) < start || archived != !rec.archivedAt.IsZero() {
			continue
		}
		if len(results) == limit {
			next = base64.StdEncoding.EncodeToString([]byte(results[limit-1]["id"].(string)))
			break
		}
		results = append(results, object(rec, props))
	}
	answer := map[string]any{"results": results}
	if next != "" {
		answer["paging"] = map[string]any{"next": map[string]any{"after": next, "link": f.srv.URL + r.URL.Path + "?after=" + next}}
	}
	json.NewEncoder(w).Encode(answer)
}

func (f *fakeHubSpot) search(w http.ResponseWriter, typ string, body []byte) {
	var req struct {
		FilterGroups []struct {
			Filters []struct {
				PropertyName string `json:"propertyName"`
				Operator     string `json:"operator"`
				Value        string `json:"value"`
			} `json:"filters"`
		} `json:"filterGroups"`
		Sorts []struct {
			PropertyName string `json:"propertyName"`
			Direction    string `json:"direction"`
		} `json:"sorts"`
		Properties []string `json:"properties"`
		Limit      int      `json:"limit"`
		After      string   `json:"after"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.FilterGroups) != 1 || len(req.FilterGroups[0].Filters) != 1 ||
		len(req.Sorts) != 1 || req.Sorts[0].Direction != "ASCENDING" || req.Sorts[0].PropertyName != "hs_lastmodifieddate" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"status":"error","message":"Invalid input JSON","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
		return
	}
	fl := req.FilterGroups[0].Filters[0]
	since, _ := strconv.ParseInt(fl.Value, 10, 64)
	offset, _ := strconv.Atoi(req.After)
	if offset+req.Limit > 10000 {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"status":"error","message":"Unable to page past 10000 results","correlationId":"%s","category":"VALIDATION_ERROR"}`, correlationID)
		return
	}
	var found []*fakeRecord
	for _, rec := range f.objects[typ] {
		m := rec.modified.UnixMilli()
		if rec.archivedAt.IsZero() && fl.PropertyName == "hs_lastmodifieddate" && (fl.Operator == "GTE" && m >= since || fl.Operator == "GT" && m > since) {
			found = append(found, rec)
		}
	}
	slices.SortStableFunc(found, func(a, b *fakeRecord) int { return a.modified.Compare(b.modified) })
	results := []map[string]any{}
	for i := offset; i < len(found) && i < offset+req.Limit; i++ {
		results = append(results, object(found[i], req.Properties))
	}
	answer := map[string]any{"total": len(found), "results": results}
	if offset+req.Limit < len(found) {
		answer["paging"] = map[string]any{"next": map[string]any{"after": strconv.Itoa(offset + req.Limit)}}
	}
	json.NewEncoder(w).Encode(answer)
}

func (f *fakeHubSpot) batchRead(w http.ResponseWriter, from, to string, body []byte) {
	var req struct {
		Inputs []struct {
			ID string `json:"id"`
		} `json:"inputs"`
	}
	json.Unmarshal(body, &req)
	singular := map[string]string{"companies": "company", "deals": "deal", "line_items": "line_item", "tickets": "ticket"}
	primary := map[string]int{"deals/companies": 5, "tickets/companies": 339}
	results, errs := []any{}, []any{}
	for _, in := range req.Inputs {
		ids := f.assocs[from+"/"+to][in.ID]
		if len(ids) == 0 {
			errs = append(errs, map[string]any{"status": "error", "category": "OBJECT_NOT_FOUND", "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
				"message": fmt.Sprintf("No %s is associated with %s %s.", singular[to], singular[from], in.ID),
				"context": map[string]any{"fromObjectId": []string{in.ID}, "fromObjectType": []string{singular[from]}, "toObjectType": []string{singular[to]}}})
			continue
		}
		var tos []any
		for i, id := range ids {
			types := []any{map[string]any{"category": "HUBSPOT_DEFINED", "typeId": 341, "label": nil}}
			if t, ok := primary[from+"/"+to]; ok && i == 0 {
				types = append([]any{map[string]any{"category": "HUBSPOT_DEFINED", "typeId": t, "label": "Primary"}}, types...)
			}
			tos = append(tos, map[string]any{"toObjectId": json.Number(id), "associationTypes": types})
		}
		results = append(results, map[string]any{"from": map[string]any{"id": in.ID}, "to": tos})
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	answer := map[string]any{"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
	if len(errs) > 0 {
		answer["numErrors"] = len(errs)
		answer["errors"] = errs
		w.WriteHeader(http.StatusMultiStatus)
	}
	json.NewEncoder(w).Encode(answer)
}
