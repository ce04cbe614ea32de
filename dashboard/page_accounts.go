package dashboard

import (
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v4"
)

type accountsPage struct {
	Query string
	Sort  string            // arr, risk or renewal
	Sorts map[string]string // the link that sorts by each
	Rows  []record
	Pager pager
}

// accountSorts are the orders of the accounts list: ARR (the default),
// risk score and next renewal date.
var accountSorts = []string{"arr", "risk", "renewal"}

func (s *Server) accounts(c echo.Context) error {
	f, err := s.filtersOf(c, "accounts")
	if err != nil {
		return err
	}
	q := strings.TrimSpace(clip(c.QueryParam("q")))
	page, err := pageParam(c.QueryParam("page"))
	if err != nil {
		return err
	}
	order := c.QueryParam("sort")
	if !slices.Contains(accountSorts, order) {
		order = "arr"
	}
	sortParam := func(o string) string {
		if o == "arr" {
			return ""
		}
		return o
	}
	rows, err := s.run(c.Request().Context(), "accounts", f, map[string]any{"q": q, "sort": order, "limit": pageSize, "offset": (page - 1) * pageSize})
	if err != nil {
		return err
	}
	p := accountsPage{Query: q, Sort: order, Sorts: map[string]string{}, Rows: records(rows)}
	for _, o := range accountSorts {
		p.Sorts[o] = withParams("/accounts", f, "q", q, "sort", sortParam(o))
	}
	var total int64
	if len(p.Rows) > 0 {
		total = int64(p.Rows[0].num("total"))
	}
	p.Pager = newPager(page, len(p.Rows), total, func(n int) string {
		return withParams("/accounts", f, "q", q, "sort", sortParam(order), "page", fmt.Sprint(n))
	})
	return s.render(c, http.StatusOK, "accounts", "Accounts", "accounts", p)
}

type accountPage struct {
	Summary    record
	Timeline   Chart
	Deals      []record
	Contracts  []contractView
	Invoices   []record
	Tickets    []record
	Risk       []record
	Exceptions []record
}

// contractView is a contract with its scope text marked up.
type contractView struct {
	Row   record
	Scope template.HTML
}

func (s *Server) account(c echo.Context) error {
	ctx := c.Request().Context()
	id := c.Param("id")
	args := map[string]any{"account_id": id}
	summary, err := s.run(ctx, "account", Filters{}, args)
	if err != nil {
		return err
	}
	if len(summary.Values) == 0 {
		return echo.NewHTTPError(http.StatusNotFound, "no account "+id)
	}
	p := accountPage{Summary: records(summary)[0]}
	parts := map[string]*[]record{
		"account_deals": &p.Deals, "account_invoices": &p.Invoices, "account_tickets": &p.Tickets,
		"account_risk": &p.Risk, "account_exceptions": &p.Exceptions,
	}
	for name, dst := range parts {
		rows, err := s.run(ctx, name, Filters{}, args)
		if err != nil {
			return err
		}
		*dst = records(rows)
	}
	contracts, err := s.run(ctx, "account_contracts", Filters{}, args)
	if err != nil {
		return err
	}
	for _, r := range records(contracts) {
		p.Contracts = append(p.Contracts, contractView{Row: r, Scope: highlight(r.str("scope_text"), strings.Split(r.str("matched_phrases"), "; "))})
	}
	p.Timeline = timeline(p)
	return s.render(c, http.StatusOK, "account", p.Summary.str("account_name"), "accounts", p)
}

var wordBreak = regexp.MustCompile(`[^a-z0-9]+`)

// highlight HTML-escapes text and marks the vague phrases in it, matched as
// the models match them: whole words, any letter case, any punctuation or
// spacing between words.
func highlight(text string, phrases []string) template.HTML {
	type span struct{ from, to int }
	var spans []span
	for _, ph := range phrases {
		words := wordBreak.Split(strings.ToLower(ph), -1)
		var quoted []string
		for _, w := range words {
			if w != "" {
				quoted = append(quoted, regexp.QuoteMeta(w))
			}
		}
		if len(quoted) == 0 {
			continue
		}
		re := regexp.MustCompile(`(?i)(?:^|[^a-z0-9])(` + strings.Join(quoted, `[^a-z0-9]+`) + `)(?:[^a-z0-9]|$)`)
		for start := 0; start < len(text); {
			m := re.FindStringSubmatchIndex(text[start:])
			if m == nil {
				break
			}
			spans = append(spans, span{start + m[2], start + m[3]})
			start += m[3]
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].from < spans[j].from })
	var b strings.Builder
	at := 0
	for _, sp := range spans {
		if sp.from < at {
			continue
		}
		b.WriteString(template.HTMLEscapeString(text[at:sp.from]))
		b.WriteString("<mark>" + template.HTMLEscapeString(text[sp.from:sp.to]) + "</mark>")
		at = sp.to
	}
	b.WriteString(template.HTMLEscapeString(text[at:]))
	return template.HTML(b.String())
}

// timeline puts the account's deals, contracts, invoices, tickets,
// exceptions and coming renewals on one time axis, one lane each. Events of
// one lane on one day are stacked (not drawn on top of each other), the axis
// names months with their year, and it reaches a little past the first and
// last event so no dot is cut at the edge.
func timeline(p accountPage) Chart {
	lanes := []string{"deals", "contracts", "invoices", "tickets", "exceptions", "renewals due"}
	type event struct {
		date, label string
		size        int
	}
	events := map[string][]event{}
	var first, last string
	add := func(lane, date, label string, size int) {
		if len(date) < 10 {
			return
		}
		date = date[:10]
		events[lane] = append(events[lane], event{date, label, size})
		if first == "" || date < first {
			first = date
		}
		if date > last {
			last = date
		}
	}
	for _, d := range p.Deals {
		label := fmt.Sprintf("%s %s, %.0f%% discount", d.str("deal_id"), d.str("deal_type"), 100*d.num("discount_pct"))
		size := 8
		if d.str("is_exception") == "true" {
			label += " (exception)"
			size = 14
		}
		add("deals", d.str("close_date"), label, size)
	}
	for _, c := range p.Contracts {
		add("contracts", c.Row.str("start_date"), fmt.Sprintf("%s starts, ambiguity %.0f", c.Row.str("contract_id"), c.Row.num("ambiguity_score")), 10)
	}
	for _, i := range p.Invoices {
		label, size := fmt.Sprintf("%s %s", i.str("invoice_id"), money(i.num("amount"))), 6
		if i.str("is_disputed") == "true" {
			label += " disputed: " + i.str("dispute_reason")
			size = 12
		}
		add("invoices", i.str("issued_date"), label, size)
	}
	for _, t := range p.Tickets {
		label, size := t.str("category")+": "+t.str("subject"), 6
		if t.str("is_escalated") == "true" {
			label, size = "escalated "+label, 12
		}
		add("tickets", t.str("created_at"), label, size)
	}
	for _, e := range p.Exceptions {
		add("exceptions", e.str("occurred_date"), e.str("kind")+": "+e.str("description"), 10)
	}
	for _, r := range p.Risk {
		add("renewals due", r.str("end_date"), fmt.Sprintf("%s ends: renewal of %s ARR due, %s risk", r.str("contract_id"), money(r.num("arr")), r.str("risk_tier")), 14)
	}
	if first == "" {
		return emptyChart("timeline", "Trust ledger")
	}
	sc := charts.NewScatter()
	sc.SetGlobalOptions(baseOpts(true)...)
	sc.SetGlobalOptions(
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "time"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: lanes}),
		charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: []int{0}}),
	)
	// Same-day events of a lane: offsets in pixels, alternating above and
	// below the lane's line, closer together the more there are.
	offsets := map[string][]int{}
	for _, lane := range lanes {
		evs := events[lane]
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].date < evs[j].date })
		data := make([]opts.ScatterData, len(evs))
		offs := make([]int, len(evs))
		for i := 0; i < len(evs); {
			j := i
			for j < len(evs) && evs[j].date == evs[i].date {
				j++
			}
			step := min(9, 36/max(1, j-i-1))
			for k := i; k < j; k++ {
				n := k - i
				off := (n + 1) / 2 * step
				if n%2 == 1 {
					off = -off
				}
				offs[k] = off
			}
			i = j
		}
		for i, e := range evs {
			data[i] = opts.ScatterData{Name: e.label, Value: []string{e.date, lane}, SymbolSize: e.size}
			if lane == "renewals due" {
				data[i].Symbol = "diamond"
			}
		}
		offsets[lane] = offs
		sc.AddSeries(lane, data)
	}
	from, to := padDates(first, last)
	ch := newChart("timeline", "Trust ledger", 380, sc, nil, func(option map[string]any) {
		for _, x := range objects(option, "xAxis") {
			x["min"], x["max"] = from, to
			x["axisLabel"] = map[string]any{"hideOverlap": true, "formatter": map[string]any{
				"year": "{yyyy}", "month": "{MMM} {yyyy}", "day": "{d} {MMM} {yyyy}",
			}}
		}
		for _, s := range objects(option, "series") {
			lane, _ := s["name"].(string)
			data, _ := s["data"].([]any)
			for i, d := range data {
				if item, ok := d.(map[string]any); ok && i < len(offsets[lane]) && offsets[lane][i] != 0 {
					item["symbolOffset"] = []int{0, offsets[lane][i]}
				}
			}
		}
	})
	ch.Note = "Everything this account was sold, signed, billed and asked for, and the renewals coming due, on one timeline. Large dots are exceptions, disputes and escalations; events of one day are stacked; scroll to zoom."
	return ch
}

// padDates widens a span of ISO dates by a twentieth on each side (at
// least 15 days), so dots at either end are drawn whole.
func padDates(first, last string) (string, string) {
	a, err1 := time.Parse(time.DateOnly, first)
	b, err2 := time.Parse(time.DateOnly, last)
	if err1 != nil || err2 != nil {
		return first, last
	}
	pad := max(b.Sub(a)/20, 15*24*time.Hour)
	return a.Add(-pad).Format(time.DateOnly), b.Add(pad).Format(time.DateOnly)
}
