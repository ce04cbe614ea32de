package dashboard

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
)

type overviewPage struct {
	Cards    []card
	Renewals Chart
	Trend    Chart
	Riskiest []record
	Fresh    freshness
}

// card is one headline metric with the sentence that reads it.
type card struct {
	Metric   string
	Value    string
	Sentence string
	Effect   bool // the interval excludes the metric's null
}

func (s *Server) overview(c echo.Context) error {
	ctx := c.Request().Context()
	f := parseFilters(c.QueryParams())
	page, err := memoPage(s, "overview?"+f.Values().Encode(), func() (overviewPage, error) {
		var page overviewPage
		metrics, err := s.run(ctx, "metrics", Filters{}, nil)
		if err != nil {
			return page, err
		}
		for _, m := range records(metrics) {
			page.Cards = append(page.Cards, readMetric(m))
		}
		slices.SortStableFunc(page.Cards, func(a, b card) int { return metricRank(a.Metric) - metricRank(b.Metric) })
		renewals, err := s.run(ctx, "overview_renewals", f, nil)
		if err != nil {
			return page, err
		}
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
		riskiest, err := s.run(ctx, "overview_riskiest", f, nil)
		if err != nil {
			return page, err
		}
		page.Riskiest = records(riskiest)
		return page, nil
	})
	if err != nil {
		return err
	}
	// Freshness changes by the minute; the rest only with the generation.
	page.Fresh = s.freshness()
	minute := time.Now().Truncate(time.Minute).Unix()
	return s.renderCached(c, "overview", "Overview", "overview", fmt.Sprintf("%s|%d", f.Values().Encode(), minute), page)
}

func renewalsChart(rows []record) Chart {
	return tierBars("renewals", "ARR renewing, by risk tier",
		"ARR of contracts ending within each window after as-of and not yet renewed, stacked by renewal risk tier.",
		rows, func(r record) string { return fmt.Sprintf("%g days", r.num("days")) })
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
	}, false, "ARR (USD)")
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

// readMetric writes one plain sentence for a headline metric.
func readMetric(m record) card {
	name := m.str("metric")
	v, lo, hi, n := m.num("value"), m.num("ci_low"), m.num("ci_high"), int64(m.num("n"))
	c := card{Metric: name}
	if !m.has("value") {
		c.Value, c.Sentence = "–", "Not enough data yet ("+thousands(float64(n))+" in the sample)."
		return c
	}
	ci := func(format string, scale float64) string {
		if !m.has("ci_low") {
			return ""
		}
		return fmt.Sprintf(", 95%% CI "+format+"-"+format, lo*scale, hi*scale)
	}
	if m.has("null_value") && m.has("ci_low") {
		null := m.num("null_value")
		c.Effect = lo > null || hi < null
	}
	count := thousands(float64(n))
	switch name {
	case "renewal_discount_slope":
		c.Value = fmt.Sprintf("%.2f", v)
		c.Sentence = fmt.Sprintf("Renewals keep %.0f%% of the prior discount: slope %.2f%s, %s renewals.", math.Max(0, 100*v), v, ci("%.2f", 1), count)
	case "precedent_anchor_rate":
		c.Value = fmt.Sprintf("%.0f%%", 100*v)
		c.Sentence = fmt.Sprintf("%.0f%% of renewals after an account's first exception stay within 2 points of it or above (%s renewals%s).", 100*v, count, ci("%.0f%%", 100))
	case "late_quarter_discount_uplift":
		c.Value = fmt.Sprintf("%+.1f pts", 100*v)
		c.Sentence = fmt.Sprintf("Deals closed late in the quarter are discounted %.1f points more than the others%s, %s deals.", 100*v, ci("%.1f", 100), count)
	case "late_quarter_exception_share":
		c.Value = fmt.Sprintf("%.0f%%", 100*v)
		c.Sentence = fmt.Sprintf("%.0f%% of discount exceptions close late in the quarter, where %.0f%% of all won deals close%s, %s exceptions.", 100*v, 100*m.num("null_value"), ci("%.0f%%", 100), count)
		c.Effect = m.has("ci_low") && lo > m.num("null_value")
	case "rep_contagion_uplift":
		c.Value = fmt.Sprintf("%+.1f pts", 100*v)
		c.Sentence = fmt.Sprintf("After their first exception, reps discount %.1f points more on their next deals%s, %s reps.", 100*v, ci("%.1f", 100), count)
	case "scope_escalation_rate_ratio":
		c.Value = fmt.Sprintf("%.1fx", v)
		c.Sentence = fmt.Sprintf("The most ambiguous fifth of contracts escalates %.1f times as often as the clearest%s, %s contracts.", v, ci("%.1f", 1), count)
	case "scope_question_rate_ratio":
		c.Value = fmt.Sprintf("%.1fx", v)
		c.Sentence = fmt.Sprintf("It raises %.1f times as many scope questions%s.", v, ci("%.1f", 1))
	case "ambiguity_escalation_spearman":
		c.Value = fmt.Sprintf("%.2f", v)
		c.Sentence = fmt.Sprintf("The more ambiguous the contract, the more it escalates: rank correlation %.2f%s, %s contracts.", v, ci("%.2f", 1), count)
	case "shared_config_dispute_ratio":
		c.Value = fmt.Sprintf("%.1fx", v)
		c.Sentence = fmt.Sprintf("Invoices on billing configs copied across accounts are disputed %.1f times as often%s, %s invoices.", v, ci("%.1f", 1), count)
	case "billing_leakage_pct":
		c.Value = fmt.Sprintf("%.1f%%", 100*v)
		c.Sentence = fmt.Sprintf("%.1f%% of what contracts should have billed to date was not invoiced, net of credits, over %s contracts.", 100*v, count)
	case "arr_renewing_90d":
		c.Value = money(v)
		c.Sentence = fmt.Sprintf("%s of ARR renews in the next 90 days (%s contracts not yet renewed).", money(v), count)
	case "arr_at_risk_90d":
		c.Value = money(v)
		c.Sentence = fmt.Sprintf("%s of it is high risk (%s contracts).", money(v), count)
	case "renewal_risk_auc":
		c.Value = fmt.Sprintf("%.2f", v)
		c.Sentence = fmt.Sprintf("Looking back, the risk score ranked a churned renewal above a renewed one %.0f%% of the time: AUC %.2f%s, %s past renewals.", 100*v, v, ci("%.2f", 1), count)
	default:
		c.Value = fmt.Sprintf("%.3g", v)
		c.Sentence = m.str("description")
	}
	return c
}
