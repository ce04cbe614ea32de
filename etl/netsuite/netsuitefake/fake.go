// Package netsuitefake is a NetSuite account for tests: an httptest server
// that answers SuiteQL as NetSuite's documentation shows (cited below),
// with the rows tests give it or a generated company's saved searches.
package netsuitefake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The credentials the fake accepts (no real account's).
const (
	Account        = "1234567_SB1"
	ConsumerKey    = "ck-3f1e9a0c7b2d4e5f8a6b"
	ConsumerSecret = "cs-9d8c7b6a5f4e3d2c1b0a"
	TokenID        = "tk-0a1b2c3d4e5f6a7b8c9d"
	TokenSecret    = "ts-5e4d3c2b1a0f9e8d7c6b"
)

// Row is a record as SuiteQL answers it: field ids, ids as strings,
// numbers as numbers.
type Row map[string]any

// NetSuite answers as NetSuite's REST web services documentation
// shows:
//   - SuiteQL, https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_157909186990.html:
//     POST /services/rest/query/v1/suiteql?limit=&offset= with header
//     "Prefer: transient" and body {"q": "..."}; the answer is {links,
//     count, hasMore, items, offset, totalResults}, each item with its own
//     (empty) links and the selected fields, null ones left out; paging
//     (limit at most 1000) as in "Collection Paging",
//     https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156414087576.html;
//   - token-based authentication: the Authorization header's HMAC-SHA256
//     signature over RFC 5849's base string with realm the account id,
//     https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_1534941088.html,
//     checked for real here: a wrong one gets 401 INVALID_LOGIN as
//     "Error Handling in REST Web Services" shows,
//     https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_156570709583.html,
//     with the WWW-Authenticate header of "RESTlets and REST Web Services
//     Authentication Errors",
//     https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/subsect_158521885412.html;
//   - every answer carries the Date header HTTP requires of an origin
//     server with a clock (RFC 9110, section 6.6.1,
//     https://www.rfc-editor.org/rfc/rfc9110.html#section-6.6.1): Now, or
//     the real time when Now is zero;
//   - concurrency governance: a request over the account's limit is
//     refused with 429 Too Many Requests,
//     https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/section_0827103226.html.
//
// It is no SQL engine: it reads from the query the table, the selected
// aliases, the deletedrecord types and the cursor (TO_TIMESTAMP and the
// keys after it) that the pull writes, and answers the table's rows after
// the cursor in (lastmodifieddate, keys) order. A row's time may hold
// fractions of a second ("2025-05-01 10:00:00.250"): it is compared whole
// with the cursor, as the column is, and answered to the second, as
// TO_CHAR(..., 'YYYY-MM-DD HH24:MI:SS') writes it.
type NetSuite struct {
	mu     sync.Mutex
	Tables map[string][]Row // customer, transaction, transactionline, deletedrecord
	calls  []string         // table@cursor time
	// Fail answers the next calls of a table@cursor with a status (or
	// sleeps, status 0), Times times (-1: always).
	Fail map[string]Failure
	// Now is the server's time, sent in each answer's Date header (the
	// real time when zero).
	Now time.Time
	srv *httptest.Server
}

// Failure is how the account answers a table@cursor instead of serving it.
type Failure struct {
	Status int
	Sleep  time.Duration
	Times  int
}

// order is each table's order: its time field, then its keys.
var order = map[string][]string{
	"customer":        {"lastmodifieddate", "id"},
	"transaction":     {"lastmodifieddate", "id"},
	"transactionline": {"lastmodifieddate", "transaction", "linesequencenumber"},
	"deletedrecord":   {"deleteddate", "recordid"},
}

var (
	fromRe  = regexp.MustCompile(`\bFROM (\w+) \w+`)
	aliasRe = regexp.MustCompile(` AS (\w+)`)
	tsRe    = regexp.MustCompile(`TO_TIMESTAMP\('([^']+)'`)
	keyRe   = regexp.MustCompile(`\w+\.(\w+) > (\d+)`)
	typesRe = regexp.MustCompile(`d\.type IN \(([^)]*)\)`)
)

// New starts an account without rows, closed when tb ends.
func New(tb testing.TB) *NetSuite {
	f := &NetSuite{Tables: map[string][]Row{}, Fail: map[string]Failure{}}
	f.srv = httptest.NewServer(f)
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the account's REST address (suitetalk_url).
func (f *NetSuite) URL() string { return f.srv.URL }

func (f *NetSuite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	if !f.Now.IsZero() {
		w.Header().Set("Date", f.Now.UTC().Format(http.TimeFormat))
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.oracle.resource+json; type=error")
	if !f.signed(r) {
		f.mu.Lock()
		f.calls = append(f.calls, "refused")
		f.mu.Unlock()
		w.Header().Set("WWW-Authenticate", `OAuth realm="`+Account+`", error="token_rejected", error_description="Invalid login attempt."`)
		answerError(w, http.StatusUnauthorized, "Unauthorized", "INVALID_LOGIN", "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at Setup > Users/Roles > User Management > View Login Audit Trail.")
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/services/rest/query/v1/suiteql" {
		answerError(w, http.StatusNotFound, "Not Found", "NONEXISTENT_ID", "The record instance does not exist.")
		return
	}
	var req struct {
		Q string `json:"q"`
	}
	limit, lerr := strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	if json.Unmarshal(body, &req) != nil || req.Q == "" || r.Header.Get("Prefer") != "transient" || lerr != nil || limit < 1 || limit > 1000 {
		answerError(w, http.StatusBadRequest, "Bad Request", "INVALID_PARAMETER", "Invalid request: a SuiteQL query in q, Prefer: transient and limit 1 to 1000 are required.")
		return
	}
	table := ""
	for _, m := range fromRe.FindAllStringSubmatch(req.Q, -1) {
		if order[m[1]] != nil && table == "" {
			table = m[1]
		}
	}
	if table == "" {
		answerError(w, http.StatusBadRequest, "Bad Request", "INVALID_PARAMETER", "Invalid search query. Detailed unprocessed description follows. Unknown identifier.")
		return
	}
	cur := ""
	if ts := tsRe.FindStringSubmatch(req.Q); ts != nil {
		cur = ts[1]
	}
	f.mu.Lock()
	key := table + "@" + cur
	f.calls = append(f.calls, key)
	fl, ok := f.Fail[key]
	failing := ok && fl.Times != 0
	if failing && fl.Times > 0 {
		fl.Times--
		f.Fail[key] = fl
	}
	rows := f.after(table, req.Q, cur)
	f.mu.Unlock()
	if failing {
		switch fl.Status {
		case 0:
			time.Sleep(fl.Sleep)
		case http.StatusTooManyRequests:
			answerError(w, fl.Status, "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED", "Concurrent request limit exceeded. Request blocked.")
			return
		default:
			answerError(w, fl.Status, http.StatusText(fl.Status), "UNEXPECTED_ERROR", "An unexpected error occurred. Error ID: m4ym7ks6bfkz2y0ahxlv")
			return
		}
	}
	var aliases []string
	for _, a := range aliasRe.FindAllStringSubmatch(req.Q[:strings.Index(req.Q, " FROM "+table+" ")], -1) {
		aliases = append(aliases, a[1])
	}
	items := []map[string]any{}
	for i := offset; i < len(rows) && i < offset+limit; i++ {
		item := map[string]any{"links": []any{}}
		for _, a := range aliases {
			if v, ok := rows[i][a]; ok && v != nil {
				if t, ok := v.(string); ok && a == order[table][0] && len(t) > len(time.DateTime) {
					v = t[:len(time.DateTime)]
				}
				item[a] = v
			}
		}
		items = append(items, item)
	}
	self := f.srv.URL + r.URL.Path
	links := []map[string]string{{"rel": "self", "href": fmt.Sprintf("%s?limit=%d&offset=%d", self, limit, offset)}}
	if offset+len(items) < len(rows) {
		links = append(links, map[string]string{"rel": "next", "href": fmt.Sprintf("%s?limit=%d&offset=%d", self, limit, offset+limit)})
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(map[string]any{
		"links": links, "count": len(items), "hasMore": offset+len(items) < len(rows),
		"items": items, "offset": offset, "totalResults": len(rows),
	})
}

// after are the table's rows after the query's cursor, in order.
func (f *NetSuite) after(table, q, cur string) []Row {
	cols := order[table]
	keys := map[string]int64{}
	for _, k := range keyRe.FindAllStringSubmatch(q, -1) {
		if _, ok := keys[k[1]]; !ok {
			keys[k[1]], _ = strconv.ParseInt(k[2], 10, 64)
		}
	}
	var types []string
	if m := typesRe.FindStringSubmatch(q); m != nil {
		types = strings.Split(strings.NewReplacer("'", "", " ", "").Replace(m[1]), ",")
	}
	cmp := func(a, b Row) int {
		if c := strings.Compare(a[cols[0]].(string), b[cols[0]].(string)); c != 0 {
			return c
		}
		for _, k := range cols[1:] {
			if c := num(a[k]) - num(b[k]); c != 0 {
				return int(c)
			}
		}
		return 0
	}
	var out []Row
	for _, r := range f.Tables[table] {
		if types != nil && !slices.Contains(types, r["type"].(string)) {
			continue
		}
		if cur != "" {
			c := strings.Compare(r[cols[0]].(string), cur)
			for _, k := range cols[1:] {
				if c == 0 {
					c = int(num(r[k]) - keys[k])
				}
			}
			if c <= 0 {
				continue
			}
		}
		out = append(out, r)
	}
	slices.SortFunc(out, cmp)
	return out
}

func num(v any) int64 {
	switch v := v.(type) {
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	case int:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

// signed checks the request's OAuth 1.0a signature (RFC 5849, section
// 3.4: the base string of the method, the URL without query and the sorted
// parameters; HMAC-SHA256 keyed by the encoded secrets joined by &).
func (f *NetSuite) signed(r *http.Request) bool {
	h, ok := strings.CutPrefix(r.Header.Get("Authorization"), "OAuth ")
	if !ok {
		return false
	}
	params := map[string]string{}
	for _, p := range strings.Split(h, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		v, err := url.PathUnescape(strings.Trim(v, `"`))
		if err != nil {
			return false
		}
		params[k] = v
	}
	if params["realm"] != Account || params["oauth_consumer_key"] != ConsumerKey || params["oauth_token"] != TokenID ||
		params["oauth_signature_method"] != "HMAC-SHA256" || params["oauth_version"] != "1.0" || params["oauth_nonce"] == "" {
		return false
	}
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	var norm []string
	for k, v := range params {
		if k != "realm" && k != "oauth_signature" {
			norm = append(norm, enc(k)+"="+enc(v))
		}
	}
	for k, vs := range r.URL.Query() {
		for _, v := range vs {
			norm = append(norm, enc(k)+"="+enc(v))
		}
	}
	slices.Sort(norm)
	base := r.Method + "&" + enc("http://"+r.Host+r.URL.Path) + "&" + enc(strings.Join(norm, "&"))
	mac := hmac.New(sha256.New, []byte(enc(ConsumerSecret)+"&"+enc(TokenSecret)))
	mac.Write([]byte(base))
	return hmac.Equal([]byte(params["oauth_signature"]), []byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))))
}

// answerError writes REST web services' error body.
func answerError(w http.ResponseWriter, status int, title, code, detail string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15", "title": title, "status": status,
		"o:errorDetails": []map[string]string{{"detail": detail, "o:errorCode": code}},
	})
}

// Reset returns the calls made since the last Reset.
func (f *NetSuite) Reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}
