// Package salesforcefake is a Salesforce org for tests: an httptest server
// that answers as Salesforce's documentation shows (cited below), with the
// records tests give it or a generated company's Data Loader extracts.
package salesforcefake

import (
	"bytes"
	"crypto/rsa"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// APIVersion is the REST API version the org answers under.
const APIVersion = "v62.0"

// Org answers as a Salesforce org does, per Salesforce's documentation:
//   - the OAuth 2.0 token endpoint, POST /services/oauth2/token: the JWT
//     bearer flow (grant_type urn:ietf:params:oauth:grant-type:jwt-bearer,
//     an RS256 JWT with iss the consumer key, sub the username, aud the
//     login URL, exp within minutes),
//     https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_jwt_flow.htm,
//     and the client credentials flow (grant_type client_credentials,
//     client_id, client_secret),
//     https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm;
//     the answer holds access_token, instance_url, id, token_type, issued_at
//     and signature; a refusal is 400 with an OAuth error and
//     error_description,
//     https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm;
//   - REST API errors are a list of {message, errorCode}; an expired or
//     revoked token is 401 INVALID_SESSION_ID "Session expired or invalid";
//     a missing resource 404 NOT_FOUND,
//     https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm;
//   - every REST answer carries Sforce-Limit-Info: api-usage=N/M,
//     https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm;
//   - GET /services/data/ lists the versions the instance serves, each
//     {label, url, version}, without authentication,
//     https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_versions.htm;
//     this org serves one, APIVersion;
//   - GET /services/data/vXX.X/sobjects/<Object>/describe lists the
//     object's fields with their name and type,
//     https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm;
//   - GET /services/data/vXX.X/queryAll/?q=<SOQL> answers totalSize, done,
//     nextRecordsUrl (/services/data/vXX.X/query/<locator>-<offset>, query
//     in the URL even for queryAll) and records, each with its attributes
//     (type, url); deleted records come with IsDeleted true; a field the
//     object lacks is 400 INVALID_FIELD,
//     https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
//     and .../dome_queryall.htm; doubles and currencies are written as Java
//     writes a double (21500.0, 1.5E8), booleans and null as JSON's;
//   - Bulk API 2.0 query jobs: POST /services/data/vXX.X/jobs/query
//     {operation, query} answers the job (id, state UploadComplete, ...);
//     GET /jobs/query/<id> its state (InProgress, then JobComplete); GET
//     /jobs/query/<id>/results?maxRecords=N[&locator=L] a CSV page with
//     Sforce-Locator (the string null after the last) and
//     Sforce-NumberOfRecords,
//     https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm;
//     PATCH /jobs/query/<id> {"state": "Aborted"} aborts a job still
//     UploadComplete or InProgress and answers its info, state Aborted,
//     https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_abort_job.htm.
type Org struct {
	mu  sync.Mutex
	srv *httptest.Server

	ClientID, Secret string         // client credentials
	Username         string         // JWT bearer
	PublicKey        *rsa.PublicKey // of the JWT's signing key

	tokens  map[string]bool // valid access tokens
	issued  int
	Objects map[string]*Object
	// PageSize is the records a query page holds; BulkPage the most a
	// results page does (besides maxRecords).
	PageSize, BulkPage int
	Used, Limit        int // the org's API requests of the day
	// ExpireAt invalidates every token when the API call of this number
	// arrives (0: never); Revoked at every call.
	ExpireAt int
	Revoked  bool
	// Fail answers a route with a status instead, once per entry of Times
	// (-1: always); Sleep instead makes the call outlast the client's
	// timeout.
	Fail    map[string]Failure
	calls   []string // routes, in order
	Queries []string // the SOQL of queries and jobs
	pages   map[string]*queryResult
	jobs    map[string]*queryJob
	// Now is the server's time, sent in every answer's Date header.
	Now time.Time
	// JobPolls is how many state reads a query job answers InProgress
	// before JobComplete (1 when 0).
	JobPolls int
}

// Failure is how the org answers a route instead of serving it.
type Failure struct {
	Status     int
	RetryAfter string
	Times      int
	Sleep      time.Duration
}

// Object is one of the org's objects: its fields (as describe lists them)
// and its records.
type Object struct {
	Fields  []Field
	Records []Record
}

// Field is an object's field: its API name and describe type.
type Field struct{ Name, Type string }

// Record is a record's values: string, bool, nil, int or Double.
type Record map[string]any

// Double is a double, currency or percent value.
type Double float64

// MarshalJSON writes d as Java's Double.toString does, which is how the
// REST API writes doubles: 21500.0, 80822.13, 1.5E8.
func (d Double) MarshalJSON() ([]byte, error) {
	f := float64(d)
	if a := max(f, -f); a == 0 || (a >= 1e-3 && a < 1e7) {
		s := strconv.FormatFloat(f, 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return []byte(s), nil
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'E', -1, 64), "E")
	if !strings.Contains(mant, ".") {
		mant += ".0"
	}
	n, _ := strconv.Atoi(exp)
	return []byte(mant + "E" + strconv.Itoa(n)), nil
}

type queryResult struct {
	object  string
	fields  []string
	records []Record
}

type queryJob struct {
	id, object, operation string
	fields                []string
	records               []Record
	polls                 int
	state                 string
}

// New starts an org without objects, closed when tb ends: 2,000 records
// a query page, 100,000 API requests a day, its time 2026-07-01.
func New(tb testing.TB) *Org {
	f := &Org{tokens: map[string]bool{}, Objects: map[string]*Object{}, PageSize: 2000, BulkPage: 100000,
		Limit: 100000, Fail: map[string]Failure{}, pages: map[string]*queryResult{}, jobs: map[string]*queryJob{},
		Now: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)}
	f.srv = httptest.NewServer(f)
	tb.Cleanup(f.srv.Close)
	return f
}

// route names a call for failures and the call log.
func route(r *http.Request) string {
	p := strings.TrimPrefix(r.URL.Path, "/services/data/"+APIVersion)
	switch {
	case r.URL.Path == "/services/oauth2/token":
		return "token"
	case r.URL.Path == "/services/data/":
		return "versions"
	case strings.HasPrefix(p, "/sobjects/"):
		return "describe " + strings.Split(p, "/")[2]
	case p == "/queryAll/":
		_, from, _ := strings.Cut(r.URL.Query().Get("q"), " FROM ")
		return "queryAll " + strings.Fields(from)[0]
	case strings.HasPrefix(p, "/query/"):
		_, offset, _ := strings.Cut(p, "-")
		return "more " + offset
	case p == "/jobs/query":
		return "job create"
	case strings.HasSuffix(p, "/results"):
		return "job results " + r.URL.Query().Get("locator")
	case strings.HasPrefix(p, "/jobs/query/") && r.Method == http.MethodPatch:
		return "job abort"
	case strings.HasPrefix(p, "/jobs/query/"):
		return "job state"
	}
	return r.Method + " " + r.URL.Path
}

func (f *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	w.Header().Set("Date", f.Now.Format(http.TimeFormat))
	rt := route(r)
	f.calls = append(f.calls, rt)
	if fl, ok := f.Fail[rt]; ok && fl.Times != 0 {
		fl.Times--
		f.Fail[rt] = fl
		f.mu.Unlock()
		if fl.Sleep > 0 {
			time.Sleep(fl.Sleep)
			return
		}
		if fl.RetryAfter != "" {
			w.Header().Set("Retry-After", fl.RetryAfter)
		}
		errorList(w, fl.Status, map[int]string{429: "REQUEST_LIMIT_EXCEEDED", 503: "SERVER_UNAVAILABLE"}[fl.Status], "The server is unavailable to handle the request")
		return
	}
	defer f.mu.Unlock()
	if rt == "token" {
		f.token(w, r)
		return
	}
	if rt == "versions" {
		writeJSON(w, []map[string]string{{"label": "Winter '25", "url": "/services/data/" + APIVersion, "version": strings.TrimPrefix(APIVersion, "v")}})
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/services/data/"+APIVersion+"/") {
		errorList(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	f.Used++
	if f.Revoked || (f.ExpireAt > 0 && f.Used == f.ExpireAt) {
		clear(f.tokens)
	}
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", f.Used, f.Limit))
	if !f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
		errorList(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/services/data/"+APIVersion)
	switch {
	case strings.HasPrefix(p, "/sobjects/") && strings.HasSuffix(p, "/describe"):
		f.describe(w, strings.Split(p, "/")[2])
	case p == "/queryAll/":
		f.queryAll(w, r.URL.Query().Get("q"))
	case strings.HasPrefix(p, "/query/"):
		f.more(w, strings.TrimPrefix(p, "/query/"))
	case p == "/jobs/query" && r.Method == http.MethodPost:
		f.createJob(w, r)
	case strings.HasPrefix(p, "/jobs/query/") && strings.HasSuffix(p, "/results"):
		f.results(w, r, strings.Split(p, "/")[3])
	case strings.HasPrefix(p, "/jobs/query/") && r.Method == http.MethodPatch:
		f.abortJob(w, r, strings.TrimPrefix(p, "/jobs/query/"))
	case strings.HasPrefix(p, "/jobs/query/"):
		f.jobState(w, strings.TrimPrefix(p, "/jobs/query/"))
	default:
		errorList(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
}

func errorList(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode([]map[string]string{{"message": msg, "errorCode": code}})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

func (f *Org) token(w http.ResponseWriter, r *http.Request) {
	refuse := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	if err := r.ParseForm(); err != nil {
		refuse("invalid_request", "invalid request")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		if r.PostForm.Get("client_id") != f.ClientID || r.PostForm.Get("client_secret") != f.Secret || f.Secret == "" {
			refuse("invalid_client", "invalid client credentials")
			return
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		var claims jwt.RegisteredClaims
		_, err := jwt.ParseWithClaims(r.PostForm.Get("assertion"), &claims, func(*jwt.Token) (any, error) { return f.PublicKey, nil },
			jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(f.srv.URL), jwt.WithIssuer(f.ClientID), jwt.WithSubject(f.Username), jwt.WithExpirationRequired())
		if err != nil || f.PublicKey == nil {
			refuse("invalid_grant", "invalid assertion")
			return
		}
		if exp := claims.ExpiresAt.Time; time.Until(exp) > 5*time.Minute {
			refuse("invalid_grant", "expiration is too far in the future")
			return
		}
	default:
		refuse("unsupported_grant_type", "grant type not supported")
		return
	}
	f.issued++
	tok := fmt.Sprintf("00D5g000004ABCD!AQ0AQFakeAccessToken%03d", f.issued)
	f.tokens[tok] = true
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, map[string]string{
		"access_token": tok, "instance_url": f.srv.URL, "id": f.srv.URL + "/id/00D5g000004ABCDEAA/0055g00000ABCDEAA1",
		"token_type": "Bearer", "issued_at": strconv.FormatInt(time.Now().UnixMilli(), 10), "signature": "c2lnbmF0dXJl", "scope": "api",
	})
}

func (f *Org) describe(w http.ResponseWriter, name string) {
	o, ok := f.Objects[name]
	if !ok {
		errorList(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	var fields []map[string]any
	for _, fl := range o.Fields {
		fields = append(fields, map[string]any{"name": fl.Name, "type": fl.Type, "label": fl.Name, "custom": strings.HasSuffix(fl.Name, "__c"), "nillable": fl.Name != "Id"})
	}
	writeJSON(w, map[string]any{"name": name, "label": name, "queryable": true, "retrieveable": true, "custom": strings.HasSuffix(name, "__c"), "fields": fields})
}

var soqlRe = regexp.MustCompile(`^SELECT (.+) FROM (\w+)(?: WHERE SystemModstamp > (\S+))?( ORDER BY SystemModstamp)?$`)

// query runs the SOQL the pull sends; an error is written to w.
func (f *Org) query(w http.ResponseWriter, soql string) (*queryResult, bool) {
	f.Queries = append(f.Queries, soql)
	m := soqlRe.FindStringSubmatch(soql)
	if m == nil {
		errorList(w, http.StatusBadRequest, "MALFORMED_QUERY", "unexpected token")
		return nil, false
	}
	o, ok := f.Objects[m[2]]
	if !ok {
		errorList(w, http.StatusBadRequest, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", m[2]))
		return nil, false
	}
	res := &queryResult{object: m[2], fields: strings.Split(m[1], ", ")}
	for _, name := range res.fields {
		if !slices.ContainsFunc(o.Fields, func(fl Field) bool { return fl.Name == name }) {
			errorList(w, http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", name, m[2]))
			return nil, false
		}
	}
	var since time.Time
	if m[3] != "" {
		var err error
		if since, err = time.Parse(time.RFC3339, m[3]); err != nil {
			errorList(w, http.StatusBadRequest, "INVALID_QUERY_FILTER_OPERATOR", "invalid dateTime "+m[3])
			return nil, false
		}
	}
	for _, rec := range o.Records {
		if stamp(rec).After(since) {
			res.records = append(res.records, rec)
		}
	}
	if m[4] != "" {
		slices.SortStableFunc(res.records, func(a, b Record) int { return stamp(a).Compare(stamp(b)) })
	}
	return res, true
}

func stamp(rec Record) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", rec["SystemModstamp"].(string))
	if err != nil {
		panic(err)
	}
	return t
}

func (f *Org) queryAll(w http.ResponseWriter, soql string) {
	res, ok := f.query(w, soql)
	if !ok {
		return
	}
	loc := fmt.Sprintf("01gD00000%09dAAA", len(f.pages)+1)
	f.pages[loc] = res
	f.page(w, loc, 0)
}

func (f *Org) more(w http.ResponseWriter, next string) {
	loc, off, _ := strings.Cut(next, "-")
	offset, err := strconv.Atoi(off)
	if _, ok := f.pages[loc]; !ok || err != nil {
		errorList(w, http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
		return
	}
	f.page(w, loc, offset)
}

// page writes the records of a query result from offset on.
func (f *Org) page(w http.ResponseWriter, loc string, offset int) {
	res := f.pages[loc]
	end := min(offset+f.PageSize, len(res.records))
	recs := []map[string]any{}
	for _, rec := range res.records[offset:end] {
		out := map[string]any{"attributes": map[string]string{"type": res.object, "url": "/services/data/" + APIVersion + "/sobjects/" + res.object + "/" + rec["Id"].(string)}}
		for _, name := range res.fields {
			out[name] = rest(rec[name])
		}
		recs = append(recs, out)
	}
	answer := map[string]any{"totalSize": len(res.records), "done": end == len(res.records), "records": recs}
	if end < len(res.records) {
		answer["nextRecordsUrl"] = fmt.Sprintf("/services/data/%s/query/%s-%d", APIVersion, loc, end)
	}
	writeJSON(w, answer)
}

// rest is a value as the REST API writes it: dateTimes with +0000.
func rest(v any) any {
	if s, ok := v.(string); ok && len(s) == 24 && strings.HasSuffix(s, "Z") && s[10] == 'T' {
		return strings.TrimSuffix(s, "Z") + "+0000"
	}
	return v
}

func (f *Org) createJob(w http.ResponseWriter, r *http.Request) {
	var req struct{ Operation, Query string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || (req.Operation != "query" && req.Operation != "queryAll") {
		errorList(w, http.StatusBadRequest, "INVALIDJOB", "invalid operation")
		return
	}
	res, ok := f.query(w, req.Query)
	if !ok {
		return
	}
	job := &queryJob{id: fmt.Sprintf("750R0000000%04dIAA", len(f.jobs)+1), object: res.object, operation: req.Operation, fields: res.fields, records: res.records,
		state: "UploadComplete"}
	f.jobs[job.id] = job
	writeJSON(w, f.jobInfo(job, job.state))
}

// Jobs are the states of the query jobs created, by id.
func (f *Org) Jobs() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for id, job := range f.jobs {
		out[id] = job.state
	}
	return out
}

func (f *Org) abortJob(w http.ResponseWriter, r *http.Request, id string) {
	job, ok := f.jobs[id]
	if !ok {
		errorList(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	var req struct{ State string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.State != "Aborted" {
		errorList(w, http.StatusBadRequest, "INVALIDJOB", "invalid state")
		return
	}
	if job.state != "UploadComplete" && job.state != "InProgress" {
		errorList(w, http.StatusBadRequest, "INVALIDJOBSTATE", "job is "+job.state)
		return
	}
	job.state = "Aborted"
	writeJSON(w, f.jobInfo(job, job.state))
}

func (f *Org) jobInfo(job *queryJob, state string) map[string]any {
	return map[string]any{"id": job.id, "operation": job.operation, "object": job.object, "createdById": "0055g00000ABCDEAA1",
		"createdDate": "2026-01-10T17:50:19.000+0000", "systemModstamp": "2026-01-10T17:50:19.000+0000", "state": state,
		"concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": 62.0, "lineEnding": "LF", "columnDelimiter": "COMMA"}
}

func (f *Org) jobState(w http.ResponseWriter, id string) {
	job, ok := f.jobs[id]
	if !ok {
		errorList(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	if job.state == "UploadComplete" || job.state == "InProgress" {
		job.polls++
		job.state = "InProgress"
		if job.polls > max(f.JobPolls, 1) {
			job.state = "JobComplete"
		}
	}
	info := f.jobInfo(job, job.state)
	info["numberRecordsProcessed"] = len(job.records)
	writeJSON(w, info)
}

func (f *Org) results(w http.ResponseWriter, r *http.Request, id string) {
	job, ok := f.jobs[id]
	if !ok || job.state != "JobComplete" {
		errorList(w, http.StatusBadRequest, "INVALIDJOBSTATE", "job is not complete")
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("locator"))
	size := f.BulkPage
	if n, err := strconv.Atoi(r.URL.Query().Get("maxRecords")); err == nil && n > 0 {
		size = min(size, n)
	}
	end := min(offset+size, len(job.records))
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(job.fields)
	for _, rec := range job.records[offset:end] {
		row := make([]string, len(job.fields))
		for i, name := range job.fields {
			switch v := rec[name].(type) {
			case nil:
			case Double:
				row[i] = strconv.FormatFloat(float64(v), 'f', -1, 64)
			default:
				row[i] = fmt.Sprint(v)
			}
		}
		cw.Write(row)
	}
	cw.Flush()
	locator := "null"
	if end < len(job.records) {
		locator = strconv.Itoa(end)
	}
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Sforce-Locator", locator)
	w.Header().Set("Sforce-NumberOfRecords", strconv.Itoa(end-offset))
	w.Write(b.Bytes())
}

// Take returns the calls made since the last Take.
func (f *Org) Take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}

// Set runs change with the org locked.
func (f *Org) Set(change func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change()
}

// URL is the org's address: its login URL and instance URL.
func (f *Org) URL() string { return f.srv.URL }
