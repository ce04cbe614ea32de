// Package zendeskfake is a Zendesk account for tests: an httptest server
// that answers the incremental exports as Zendesk's documentation shows
// (cited below), with the tickets, organizations and ticket events tests
// give it or a generated company's.
package zendeskfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The agent and API token the fake accepts (no real ones).
const (
	Email = "agent@acme.example"
	Token = "zd-not-a-real-token-5f2a"
)

// Zendesk answers as Zendesk's documentation shows:
//   - the incremental exports,
//     https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/:
//     tickets with the cursor-based export (GET
//     /api/v2/incremental/tickets/cursor.json, start_time on the first
//     call, then cursor=<after_cursor>; the answer holds tickets,
//     after_url, after_cursor, before_url, before_cursor and
//     end_of_stream), deleted tickets listed with status "deleted";
//     organizations and ticket events with the time-based export (GET
//     /api/v2/incremental/organizations.json?start_time= and
//     /api/v2/incremental/ticket_events.json?start_time=; the answer holds
//     the objects, next_page, count, end_time and end_of_stream; a page
//     holds up to 1,000 objects, end_time is the time of its last one and
//     the start_time of the next page, which so lists again the objects of
//     that time), a ticket event as
//     https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export
//     shows it: id, ticket_id, timestamp, created_at, updater_id, via,
//     system, metadata, event_type "Audit" and child_events, whose Change
//     events hold the field changed by name with its previous_value;
//   - pagination, https://developer.zendesk.com/api-reference/introduction/pagination/:
//     the cursor is opaque, and end_of_stream true says there is no more;
//   - rate limits, https://developer.zendesk.com/api-reference/introduction/rate-limits/:
//     429 Too Many Requests with a Retry-After header in seconds;
//   - authentication: Basic "{email}/token:{api_token}", else 401
//     {"error":"Couldn't authenticate you"}.
type Zendesk struct {
	mu    sync.Mutex
	calls []string // path?query
	// Pages are the ticket pages by the cursor they answer ("" for
	// start_time): the page's tickets, its after_cursor and end_of_stream.
	Pages map[string]TicketPage
	// Orgs are the organizations (nil: organization 501 alone), Events
	// the ticket events, each in the order of its time; PerPage bounds a
	// page of theirs (1,000 when 0).
	Orgs, Events []map[string]any
	PerPage      int
	// Fail answers a call with a status instead, once per entry of Times
	// (-1: always); key path?query.
	Fail map[string]Failure
	srv  *httptest.Server
}

// TicketPage is a page of the cursor-based ticket export.
type TicketPage struct {
	Tickets []map[string]any
	After   string // its after_cursor
	End     bool   // its end_of_stream
}

// Failure is how the account answers a call instead of serving it.
type Failure struct {
	Status     int
	RetryAfter string
	Times      int
}

// New starts an account, closed when tb ends, without tickets or ticket
// events and with one organization.
func New(tb testing.TB) *Zendesk {
	f := &Zendesk{Pages: map[string]TicketPage{}, Fail: map[string]Failure{}}
	f.srv = httptest.NewServer(f)
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the account's address (base_url).
func (f *Zendesk) URL() string { return f.srv.URL }

func (f *Zendesk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	call := r.URL.Path + "?" + r.URL.RawQuery
	f.calls = append(f.calls, call)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if user, pw, ok := r.BasicAuth(); !ok || user != Email+"/token" || pw != Token {
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error":"Couldn't authenticate you"}`))
		return
	}
	if fl, ok := f.Fail[call]; ok && fl.Times != 0 {
		fl.Times--
		f.Fail[call] = fl
		if fl.RetryAfter != "" {
			w.Header().Set("Retry-After", fl.RetryAfter)
		}
		w.WriteHeader(fl.Status)
		if fl.Status == http.StatusTooManyRequests {
			w.Write([]byte(`{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}`))
		} else {
			w.Write([]byte(`{"error":"InternalError","description":"Something went wrong"}`))
		}
		return
	}
	base := f.srv.URL
	var answer map[string]any
	switch r.URL.Path {
	case "/api/v2/incremental/tickets/cursor.json":
		key := r.URL.Query().Get("cursor")
		if key == "" && r.URL.Query().Get("start_time") == "" {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"start_time or cursor is required"}`))
			return
		}
		pg, ok := f.Pages[key]
		if !ok {
			w.WriteHeader(http.StatusUnprocessableEntity)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"Invalid cursor"}`))
			return
		}
		answer = map[string]any{
			"tickets":       pg.Tickets,
			"after_url":     base + "/api/v2/incremental/tickets/cursor.json?cursor=" + pg.After,
			"after_cursor":  pg.After,
			"before_url":    nil,
			"before_cursor": nil,
			"end_of_stream": pg.End,
		}
	case "/api/v2/incremental/organizations.json", "/api/v2/incremental/ticket_events.json":
		start, err := strconv.ParseInt(r.URL.Query().Get("start_time"), 10, 64)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"error":"InvalidPaginationParameter","description":"start_time is required"}`))
			return
		}
		key, stamp, list := "organizations", "updated_at", f.Orgs
		if strings.HasSuffix(r.URL.Path, "ticket_events.json") {
			key, stamp, list = "ticket_events", "timestamp", f.Events
		} else if list == nil {
			list = []map[string]any{{
				"url": base + "/api/v2/organizations/501.json", "id": 501, "name": "Northwind Analytics",
				"shared_tickets": false, "shared_comments": false, "external_id": "ACC-1",
				"created_at": "2021-02-01T10:00:00Z", "updated_at": "2025-05-11T21:46:40Z",
				"deleted_at": nil, "domain_names": []string{"northwind.example"}, "details": "", "notes": "",
				"group_id": nil, "tags": []string{}, "organization_fields": map[string]any{},
			}}
		}
		items, end, eos := f.timePage(list, stamp, start)
		answer = map[string]any{
			key:             items,
			"next_page":     fmt.Sprintf("%s%s?start_time=%d", base, r.URL.Path, end),
			"count":         len(items),
			"end_of_stream": eos,
			"end_time":      end,
		}
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":"InvalidEndpoint","description":"Not found"}`))
		return
	}
	json.NewEncoder(w).Encode(answer)
}

// timePage is the page of a time-based export from start: the objects
// stamped at or after it, up to perPage, the time of its last one (start
// when none) and whether it holds the last one.
func (f *Zendesk) timePage(list []map[string]any, stamp string, start int64) ([]map[string]any, int64, bool) {
	per := f.PerPage
	if per == 0 {
		per = 1000
	}
	items := []map[string]any{}
	end := start
	for i, o := range list {
		at := unix(o[stamp])
		if at < start {
			continue
		}
		if len(items) == per {
			return items, end, false
		}
		items, end = append(items, list[i]), at
	}
	return items, end, true
}

// unix reads a time field as Unix seconds: a number or an ISO 8601 time.
func unix(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case int:
		return int64(v)
	case float64:
		return int64(v)
	case string:
		t, _ := time.Parse(time.RFC3339, v)
		return t.Unix()
	}
	return 0
}

// Reset returns the calls made since the last Reset.
func (f *Zendesk) Reset() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	calls := f.calls
	f.calls = nil
	return calls
}
