package headline

// titles name each headline metric in words, for the titles of cards and
// report rows; the metric's name stays beside them for analysts.
var titles = map[string]string{
	"arr_renewing_90d":              "ARR renewing in the next 90 days",
	"arr_at_risk_90d":               "ARR at high risk in the next 90 days",
	"renewal_discount_slope":        "Discounts carried into renewals",
	"precedent_anchor_rate":         "Renewals anchored on an exception",
	"late_quarter_discount_uplift":  "Extra discount late in the quarter",
	"late_quarter_exception_share":  "Exceptions closed late in the quarter",
	"rep_contagion_uplift":          "Reps' discounts after their first exception",
	"scope_escalation_rate_ratio":   "Escalations from vague scope",
	"scope_question_rate_ratio":     "Scope questions from vague scope",
	"ambiguity_escalation_spearman": "Vaguer scope, more escalations",
	"shared_config_dispute_ratio":   "Disputes from copied billing configs",
	"billing_leakage_pct":           "Contracted but not invoiced",
	"renewal_risk_auc":              "How well the risk score predicted churn",
}

// Title names a headline metric in words; a metric it does not know keeps
// its name.
func Title(metric string) string {
	if t, ok := titles[metric]; ok {
		return t
	}
	return metric
}
