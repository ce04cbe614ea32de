// Package headline reads the warehouse's headline metrics for people: a
// value, a plain sentence with its interval, and, for each effect, how the
// segment-adjusted estimate relates to the raw comparison, in words. The
// dashboard's cards and the weekly report read them the same way.
package headline

import (
	"fmt"
	"math"
	"strings"

	"github.com/precedent-dev/precedent/dashboard/format"
)

// Metric is one row of headline_metrics; NaN stands for null.
type Metric struct {
	Name                       string
	Value, CILow, CIHigh, Null float64
	Raw, RawLow, RawHigh       float64 // value_unadjusted and its interval
	N                          int64
	AdjustedFor, Description   string
}

// FromRow reads a row of headline_metrics by column name. A warehouse built
// before the adjusted estimates lacks the raw columns: they read as null.
func FromRow(r map[string]any) Metric {
	text := func(k string) string {
		if v, ok := r[k].(string); ok {
			return v
		}
		return ""
	}
	n := format.Number(r["n"])
	if math.IsNaN(n) {
		n = 0
	}
	return Metric{
		Name: text("metric"), Value: format.Number(r["value"]), CILow: format.Number(r["ci_low"]), CIHigh: format.Number(r["ci_high"]), Null: format.Number(r["null_value"]),
		Raw: format.Number(r["value_unadjusted"]), RawLow: format.Number(r["ci_low_unadjusted"]), RawHigh: format.Number(r["ci_high_unadjusted"]),
		N: int64(n), AdjustedFor: text("adjusted_for"), Description: text("description"),
	}
}

// Card is a metric read for people.
type Card struct {
	Metric   string // the metric's name in headline_metrics, for analysts
	Title    string // the metric in words: "ARR renewing in 90 days"
	Value    string
	Sentence string
	Effect   bool // the interval excludes the metric's null
	// Adjustment compares the adjusted figure with the raw one ("1.9x raw,
	// segments pooled; 1.0x within segment: the difference is the mix of
	// segments"); empty for metrics that are not effects.
	Adjustment string
	// Disagrees is set when the raw comparison and the adjusted one differ
	// in direction or in whether they find an effect.
	Disagrees bool
}

// titles name the headline metrics in words.
var titles = map[string]string{
	"arr_renewing_90d":              "ARR renewing in 90 days",
	"arr_at_risk_90d":               "High-risk ARR renewing in 90 days",
	"renewal_discount_slope":        "Discount carried into renewals",
	"precedent_anchor_rate":         "Renewals anchored to an exception",
	"late_quarter_discount_uplift":  "Extra discount late in the quarter",
	"late_quarter_exception_share":  "Exceptions closed late in the quarter",
	"rep_contagion_uplift":          "Reps' extra discount after their first exception",
	"scope_escalation_rate_ratio":   "Escalations: most against least ambiguous contracts",
	"scope_question_rate_ratio":     "Scope questions: most against least ambiguous contracts",
	"ambiguity_escalation_spearman": "Ambiguity and escalations move together",
	"shared_config_dispute_ratio":   "Disputes on shared billing configurations",
	"billing_leakage_pct":           "Contracted but not invoiced",
	"renewal_risk_auc":              "How well the risk score ranked past renewals",
}

// Title names a metric in words; a metric without a title keeps its name
// with underscores as spaces.
func Title(name string) string {
	if t, ok := titles[name]; ok {
		return t
	}
	t := strings.ReplaceAll(name, "_", " ")
	if t == "" {
		return t
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

// notAnEffect is adjusted_for of levels and shares.
const notAnEffect = "nothing (not an effect)"

// Read reads one metric.
func Read(m Metric) Card {
	c := Card{Metric: m.Name, Title: Title(m.Name)}
	if math.IsNaN(m.Value) {
		c.Value, c.Sentence = "–", "Not enough data yet ("+format.Count(float64(m.N))+" in the sample)."
		return c
	}
	hasCI := !math.IsNaN(m.CILow) && !math.IsNaN(m.CIHigh)
	if hasCI && !math.IsNaN(m.Null) {
		c.Effect = excludes(m.CILow, m.CIHigh, m.Null, m.Name)
	}
	c.Value = valueText(m.Name, m.Value)
	c.Sentence = sentence(m, hasCI)
	if m.AdjustedFor != "" && m.AdjustedFor != notAnEffect && m.Name != "late_quarter_exception_share" {
		c.Adjustment, c.Disagrees = adjustment(m, c.Effect)
	}
	return c
}

// excludes reports whether an interval excludes the null. A share of
// late-quarter exceptions is an effect only above its null.
func excludes(lo, hi, null float64, name string) bool {
	if name == "late_quarter_exception_share" {
		return lo > null
	}
	return lo > null || hi < null
}

// adjustment compares the adjusted estimate with the raw one.
func adjustment(m Metric, effect bool) (string, bool) {
	if math.IsNaN(m.Raw) {
		return "", false
	}
	within := strings.SplitN(m.AdjustedFor, ";", 2)[0]
	if strings.HasPrefix(within, "segment") {
		within = "within segment"
	} else {
		within = "adjusted for " + within
	}
	note := fmt.Sprintf("%s raw, segments pooled; %s %s.", valueText(m.Name, m.Raw), valueText(m.Name, m.Value), within)
	rawEffect := !math.IsNaN(m.RawLow) && !math.IsNaN(m.Null) && excludes(m.RawLow, m.RawHigh, m.Null, m.Name)
	opposite := rawEffect && effect && (m.Raw-m.Null)*(m.Value-m.Null) < 0
	switch {
	case opposite:
		return note + " The raw comparison points the other way: the mix of segments reverses it; read the adjusted figure.", true
	case rawEffect && !effect:
		return note + " The raw difference is the mix of segments, not this effect: within segments there is no clear effect.", true
	case !rawEffect && effect:
		return note + " The effect shows only within segments: the mix of segments hides it in the raw figure.", true
	}
	return note, false
}

// valueText writes a metric's value in its unit.
func valueText(name string, v float64) string {
	switch name {
	case "renewal_discount_slope", "ambiguity_escalation_spearman", "renewal_risk_auc":
		return fmt.Sprintf("%.2f", v)
	case "precedent_anchor_rate", "late_quarter_exception_share":
		return fmt.Sprintf("%.0f%%", 100*v)
	case "late_quarter_discount_uplift", "rep_contagion_uplift":
		return fmt.Sprintf("%+.1f pts", 100*v)
	case "scope_escalation_rate_ratio", "scope_question_rate_ratio", "shared_config_dispute_ratio":
		return fmt.Sprintf("%.1fx", v)
	case "billing_leakage_pct":
		return fmt.Sprintf("%.1f%%", 100*v)
	case "arr_renewing_90d", "arr_at_risk_90d":
		return format.Money(v)
	}
	return fmt.Sprintf("%.3g", v)
}

// sentence writes the plain sentence of a metric.
func sentence(m Metric, hasCI bool) string {
	v, lo, hi := m.Value, m.CILow, m.CIHigh
	ci := func(format string, scale float64) string {
		if !hasCI {
			return ""
		}
		return fmt.Sprintf(", 95%% CI "+format+"-"+format, lo*scale, hi*scale)
	}
	count := format.Count(float64(m.N))
	switch m.Name {
	case "renewal_discount_slope":
		return fmt.Sprintf("Renewals keep %.0f%% of the prior discount: slope %.2f%s, %s renewals.", math.Max(0, 100*v), v, ci("%.2f", 1), count)
	case "precedent_anchor_rate":
		return fmt.Sprintf("%.0f%% of renewals after an account's first exception stay within 2 points of it or above (%s renewals%s).", 100*v, count, ci("%.0f%%", 100))
	case "late_quarter_discount_uplift":
		return fmt.Sprintf("Deals closed late in the quarter are discounted %.1f points more than comparable others%s, %s deals.", 100*v, ci("%.1f", 100), count)
	case "late_quarter_exception_share":
		return fmt.Sprintf("%.0f%% of discount exceptions close late in the quarter, where %.0f%% would by chance given each segment's share%s, %s exceptions.", 100*v, 100*m.Null, ci("%.0f%%", 100), count)
	case "rep_contagion_uplift":
		return fmt.Sprintf("After their first exception, reps discount %.1f points more on their next deals%s, %s reps.", 100*v, ci("%.1f", 100), count)
	case "scope_escalation_rate_ratio":
		return fmt.Sprintf("The most ambiguous fifth of contracts escalates %.1f times as often as the clearest%s, %s contracts.", v, ci("%.1f", 1), count)
	case "scope_question_rate_ratio":
		return fmt.Sprintf("The most ambiguous fifth of contracts raises %.1f times as many scope questions as the clearest%s, %s contracts.", v, ci("%.1f", 1), count)
	case "ambiguity_escalation_spearman":
		return fmt.Sprintf("The more ambiguous the contract, the more it escalates: rank correlation %.2f%s, %s contracts.", v, ci("%.2f", 1), count)
	case "shared_config_dispute_ratio":
		return fmt.Sprintf("Invoices on billing configs copied across accounts are disputed %.1f times as often%s, %s invoices.", v, ci("%.1f", 1), count)
	case "billing_leakage_pct":
		return fmt.Sprintf("%.1f%% of what contracts should have billed to date was not invoiced, net of credits, over %s contracts.", 100*v, count)
	case "arr_renewing_90d":
		return fmt.Sprintf("%s of ARR renews in the next 90 days (%s contracts not yet renewed).", format.Money(v), count)
	case "arr_at_risk_90d":
		return fmt.Sprintf("%s of ARR renewing in the next 90 days is high risk (%s contracts).", format.Money(v), count)
	case "renewal_risk_auc":
		return fmt.Sprintf("Looking back, the risk score ranked a churned renewal above a renewed one %.0f%% of the time: AUC %.2f%s, %s past renewals.", 100*v, v, ci("%.2f", 1), count)
	}
	return m.Description
}
