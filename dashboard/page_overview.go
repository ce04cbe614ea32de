package dashboard

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/precedent-dev/precedent/dashboard/headline"
)

type overviewPage struct {
	Cards    []overviewCard
	Renewals Chart
	Trend    Chart
	Riskiest riskiest
	Fresh    freshness
}

// riskiest is the overview's list of the renewals with the most at stake,
// ranked by ARR at risk or, one click away, by risk score.
type riskiest struct {
	Sort  string // "dollars" or "score"
	Rows  []record
	Links map[string]string // the other order's link, by sort
}

// riskSort reads the order of the riskiest renewals: by ARR at risk
// unless sort=score.
func riskSort(c echo.Context) string {
	if c.QueryParam("sort") == "score" {
		return "score"
	}
	return "dollars"
}

func (s *Server) overview(c echo.Context) error {
	ctx := c.Request().Context()
	f, err := s.filtersOf(c, "overview")
	if err != nil {
		return err
	}
	order := riskSort(c)
	key := "overview?" + f.Values().Encode()
	if order != "dollars" {
		key += "&sort=" + order
	}
	page, err := memoPage(s, key, func() (overviewPage, error) {
		var page overviewPage
		metrics, err := s.run(ctx, "metrics", Filters{}, nil)
		if err != nil {
			return page, err
		}
		renewals, err := s.run(ctx, "overview_renewals", f, nil)
		if err != nil {
			return page, err
		}
		page.Cards = overviewCards(records(metrics), records(renewals), f)
		page.Renewals = renewalsChart(records(renewals))
		trend, err := s.run(ctx, "overview_risk_trend", f, nil)
		var stale *staleError
		switch {
		case errors.As(err, &stale):
			// A warehouse built before the risk history existed still
			// shows the rest of the overview.
			page.Trend = emptyChart("risk-trend", "ARR due in the next 90 days, week by week")
			page.Trend.Note = stale.Error()
		case err != nil:
			return page, err
		default:
			page.Trend = riskTrendChart(records(trend))
		}
		riskiest, err := s.run(ctx, "overview_riskiest", f, map[string]any{"sort": order})
		if err != nil {
			return page, err
		}
		page.Riskiest = riskiestRenewals(f, order, records(riskiest))
		return page, nil
	})
	if err != nil {
		return err
	}
	// Freshness changes by the minute; the rest only with the generation.
	page.Fresh = s.freshness()
	minute := time.Now().Truncate(time.Minute).Unix()
	return s.renderCached(c, "overview", "Overview", "overview", fmt.Sprintf("%s|%s|%d", f.Values().Encode(), order, minute), page)
}

func riskiestRenewals(f Filters, order string, rows []record) riskiest {
	return riskiest{Sort: order, Rows: rows, Links: map[string]string{
		"dollars": withParams("/", f, "sort", "") + "#riskiest",
		"score":   withParams("/", f, "sort", "score") + "#riskiest",
	}}
}

// overviewCard is a headline card with what it covers.
type overviewCard struct {
	headline.Card
	// Scope is "company-wide" for a card that never follows the filters,
	// else the filters it follows and, when set, their values.
	Scope    string
	Filtered bool // it shows the filters' values, not the company's
}

// filteredMetrics are the cards that follow the overview's filters: the
// ARR renewing and at risk in 90 days, read from overview_renewals (the
// same contracts of renewal_risk as headline_metrics counts) when a filter
// is set. Every other headline metric is company-wide.
var filteredMetrics = []string{"arr_renewing_90d", "arr_at_risk_90d"}

// overviewCards reads the headline metrics into cards in reading order,
// replacing those that follow the filters by their filtered value when a
// filter is set (renewals are overview_renewals' rows under f).
func overviewCards(metrics, renewals []record, f Filters) []overviewCard {
	var cards []overviewCard
	for _, r := range metrics {
		m := headline.FromRow(r)
		card := overviewCard{Scope: "company-wide"}
		if slices.Contains(filteredMetrics, m.Name) {
			card.Scope = "follows segment and region"
			if f.Active() {
				m = filteredARR(m.Name, renewals)
				card.Scope, card.Filtered = "for "+filterWords(f, pageFilters["overview"].Offers), true
			}
		}
		card.Card = headline.Read(m)
		cards = append(cards, card)
	}
	slices.SortStableFunc(cards, func(a, b overviewCard) int { return metricRank(a.Metric) - metricRank(b.Metric) })
	return cards
}

// filteredARR computes arr_renewing_90d or arr_at_risk_90d as
// headline_metrics defines them from overview_renewals' 90-day rows.
func filteredARR(name string, renewals []record) headline.Metric {
	m := headline.Metric{Name: name, CILow: math.NaN(), CIHigh: math.NaN(), Null: math.NaN(), Raw: math.NaN(), RawLow: math.NaN(), RawHigh: math.NaN()}
	for _, r := range renewals {
		if r.num("days") != 90 || r.str("risk_tier") == "" || (name == "arr_at_risk_90d" && r.str("risk_tier") != "high") {
			continue
		}
		m.Value += r.num("arr")
		m.N += int64(r.num("contracts"))
	}
	m.Raw = m.Value
	return m
}

// filterWords names the values of the filters applied, "enterprise, EMEA".
func filterWords(f Filters, params []string) string {
	var out []string
	for _, p := range params {
		if v := f.get(p); v != "" {
			out = append(out, p+" "+v)
		}
	}
	return strings.Join(out, ", ")
}

func renewalsChart(rows []record) Chart {
	return tierBars("renewals", "ARR renewing, by risk tier",
		"ARR of contracts ending within each window after as-of and not yet renewed, stacked by renewal risk tier. The windows are cumulative: \"within 90 days\" includes the 30 and 60.",
		rows, func(r record) string { return fmt.Sprintf("within %g days", r.num("days")) })
}

// riskTrendChart stacks, for each week of the risk history, the ARR then
// due within 90 days by the risk tier it had at the week's end.
func riskTrendChart(rows []record) Chart {
	return tierBars("risk-trend", "ARR due in the next 90 days, week by week",
		"At the end of each of the last 26 weeks: ARR of contracts ending in the next 90 days and not renewed by then, stacked by the risk tier scored from data up to that week (renewal_risk_weekly).",
		rows, func(r record) string { return r.str("iso_week") })
}

// tierBars stacks ARR (column arr) by risk tier (column risk_tier) for each
// category, in the order the rows first name them; a row without a tier
// only names its category. No ARR at all draws no chart.
func tierBars(id, title, note string, rows []record, category func(record) string) Chart {
	var cats []string
	byTier := map[string][]float64{"high": nil, "medium": nil, "low": nil}
	nonzero := false
	for _, r := range rows {
		if c := category(r); len(cats) == 0 || cats[len(cats)-1] != c {
			cats = append(cats, c)
			for tier := range byTier {
				byTier[tier] = append(byTier[tier], 0)
			}
		}
		if vs, ok := byTier[r.str("risk_tier")]; ok {
			vs[len(vs)-1] = r.num("arr")
			nonzero = nonzero || r.num("arr") > 0
		}
	}
	if !nonzero {
		return emptyChart(id, title)
	}
	ch := barChart(id, title, cats, []series{
		{name: "high", values: byTier["high"], stack: "arr", color: "#c62828"},
		{name: "medium", values: byTier["medium"], stack: "arr", color: "#e08a00"},
		{name: "low", values: byTier["low"], stack: "arr", color: "#2e7d32"},
	}, false, axis{name: "ARR", unit: unitUSD})
	ch.Note = note
	return ch
}

// metricOrder is the order the cards are read in: money first, then the
// discount, scope and billing stories, then the score's own check.
var metricOrder = []string{"arr_renewing_90d", "arr_at_risk_90d", "renewal_discount_slope", "precedent_anchor_rate",
	"late_quarter_discount_uplift", "late_quarter_exception_share", "rep_contagion_uplift", "scope_escalation_rate_ratio",
	"scope_question_rate_ratio", "ambiguity_escalation_spearman", "shared_config_dispute_ratio", "billing_leakage_pct", "renewal_risk_auc"}

func metricRank(m string) int {
	if i := slices.Index(metricOrder, m); i >= 0 {
		return i
	}
	return len(metricOrder)
}
