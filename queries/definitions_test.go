package queries_test

import (
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestDefinitions pins each definition of docs/metrics.md on a hand-made
// company where every answer is known.
func TestDefinitions(t *testing.T) {
	db, _, _ := load(t, "testdata/definitions", settingsAsOf("2024-06-30"), "")
	tests := []struct {
		name, q, want string
	}{
		// Fiscal quarters and the late-quarter boundary (late_quarter_days = 14).
		{"LateQuarterInside", "SELECT days_to_quarter_end || ' ' || is_late_quarter || ' ' || fiscal_quarter FROM deal_discounts WHERE deal_id = 'D01'", "13 true FY2021-Q1"},
		{"LateQuarterBoundary", "SELECT days_to_quarter_end || ' ' || is_late_quarter FROM deal_discounts WHERE deal_id = 'D03'", "14 false"},
		// discount_pct and exceptions.
		{"DiscountPct", "SELECT round(discount_pct, 4) FROM deal_discounts WHERE deal_id = 'D01'", "0.3"},
		{"ZeroListHasNoDiscount", "SELECT discount_pct FROM deal_discounts WHERE deal_id = 'D08'", "<null>"},
		{"ExceptionAboveSegmentPolicy", "SELECT is_exception FROM deal_discounts WHERE deal_id = 'D03'", "true"},
		{"NotAnException", "SELECT is_exception FROM deal_discounts WHERE deal_id = 'D04'", "false"},
		{"OnlyWonDeals", "SELECT count(*) FROM deal_discounts WHERE deal_id IN ('D09', 'D10')", "0"},
		{"NothingAfterAsOf", "SELECT count(*) FROM deal_discounts WHERE deal_id = 'D11'", "0"},
		// Renewal pairs: the prior deal is the latest won new/renewal deal before.
		{"PriorSkipsExpansion", "SELECT prior_deal_id FROM renewal_anchoring WHERE renewal_deal_id = 'D03'", "D01"},
		{"PriorIsLatest", "SELECT prior_deal_id FROM renewal_anchoring WHERE renewal_deal_id = 'D04'", "D03"},
		{"PriorTieByDealID", "SELECT prior_deal_id FROM renewal_anchoring WHERE renewal_deal_id = 'D07'", "D06"},
		{"AnchoredWithinTwoPoints", "SELECT is_anchored FROM renewal_anchoring WHERE renewal_deal_id = 'D03'", "true"},
		{"NotAnchored", "SELECT is_anchored FROM renewal_anchoring WHERE renewal_deal_id = 'D04'", "false"},
		{"NoPrecedentNoAnchor", "SELECT is_anchored FROM renewal_anchoring WHERE renewal_deal_id = 'D07'", "<null>"},
		// Precedents.
		{"AccountPrecedentIsFirstException", "SELECT deal_id FROM discount_precedents WHERE account_id = 'A1' AND is_account_precedent", "D01"},
		{"AnchoredRenewals", "SELECT anchored_renewals || '/' || later_renewals FROM discount_precedents WHERE deal_id = 'D01'", "1/2"},
		{"CitedBy", "SELECT cited_by FROM discount_precedents WHERE deal_id = 'D01'", "1"},
		{"RepFollowers", "SELECT rep_followers FROM discount_precedents WHERE deal_id = 'D01'", "1"},
		// Ticket attribution.
		{"TicketByDateLatestStart", "SELECT attributed_contract_id || ' ' || attribution FROM int_ticket_attribution WHERE ticket_id = 'T1'", "C5 date"},
		{"TicketByDateOverlap", "SELECT attributed_contract_id FROM int_ticket_attribution WHERE ticket_id = 'T2'", "C6"},
		{"TicketOwnContract", "SELECT attributed_contract_id || ' ' || attribution FROM int_ticket_attribution WHERE ticket_id = 'T3'", "C4 contract_id"},
		{"TicketNoContract", "SELECT attribution FROM int_ticket_attribution WHERE ticket_id = 'T4'", "none"},
		{"TicketAfterAsOfLeftOut", "SELECT count(*) FROM int_ticket_attribution WHERE ticket_id = 'T6'", "0"},
		// Scope: whole-word, case-insensitive phrases.
		{"VaguePhrases", "SELECT vague_phrase_count || ' ' || matched_phrases FROM contract_scope WHERE contract_id = 'C1'", "5 as needed; etc.; ongoing support; tbd; unlimited"},
		{"AmbiguityScore", "SELECT ambiguity_score FROM contract_scope WHERE contract_id = 'C1'", "40.0"},
		{"Exposure", "SELECT round(exposure_years, 4) FROM int_contract_activity WHERE contract_id = 'C1'", "0.9966"},
		{"ExposureToAsOf", "SELECT round(exposure_years, 4) FROM int_contract_activity WHERE contract_id = 'C5'", "1.0431"},
		{"Escalations", "SELECT escalations || ' ' || scope_questions FROM int_contract_activity WHERE contract_id = 'C1'", "1 1"},
		// Churn and renewal risk.
		{"Churned", "SELECT outcome FROM renewal_risk_backtest WHERE contract_id = 'C3'", "churned"},
		{"Renewed", "SELECT outcome FROM renewal_risk_backtest WHERE contract_id = 'C2'", "renewed"},
		{"BacktestCutoff", "SELECT cutoff FROM renewal_risk_backtest WHERE contract_id = 'C3'", "2024-01-01"},
		{"BacktestWindow", "SELECT count(*) FROM renewal_risk_backtest WHERE contract_id IN ('C1')", "0"},
		{"RenewalDue", "SELECT days_to_renewal FROM renewal_risk WHERE contract_id = 'C5'", "62"},
		{"RenewedNotDue", "SELECT count(*) FROM renewal_risk WHERE contract_id = 'C4'", "0"},
		// The weekly risk history: the 26 Sundays before as_of (a Sunday itself).
		{"RiskWeeks", "SELECT count(*) || ' ' || max(week_end) || ' ' || max(iso_week) || ' ' || min(week_end) FROM int_risk_weeks", "26 2024-06-23 2024-W25 2023-12-31"},
		{"WeeklyDue", "SELECT count(*) || ' ' || min(days_to_renewal) || ' ' || max(days_to_renewal) FROM renewal_risk_weekly WHERE contract_id = 'C5'", "4 69 90"},
		{"WeeklyChurnedStaysDue", "SELECT count(*) || ' ' || max(week_end) FROM renewal_risk_weekly WHERE contract_id = 'C3'", "12 2024-03-24"},
		{"WeeklyUntilRenewalSigned", "SELECT count(*) || ' ' || max(week_end) FROM renewal_risk_weekly WHERE contract_id = 'C7'", "9 2024-03-03"},
		{"WeeklyPointInTime", "SELECT string_agg(escalations::VARCHAR, '' ORDER BY week_end) FROM renewal_risk_weekly WHERE contract_id = 'C7'", "000000111"},
		// Exceptions register.
		{"RegisterKinds", "SELECT string_agg(kind || ':' || source_id, ',' ORDER BY kind, source_id) FROM exception_register", "discount_exception:D03,late_quarter_exception:D01"},
		// Impact: the discount beyond the enterprise policy (25%) in dollars,
		// and the severity it gives (under $10k: low).
		{"RegisterImpact", "SELECT string_agg(source_id || ':' || round(amount_impact)::bigint || ':' || severity, ',' ORDER BY source_id) FROM exception_register", "D01:5000:low,D03:4000:low"},
		// Each headline metric's unit (docs/metrics.md).
		{"MetricUnits", "SELECT string_agg(metric || ':' || coalesce(unit, '?'), ',' ORDER BY metric) FROM headline_metrics",
			"ambiguity_escalation_spearman:correlation,arr_at_risk_90d:usd,arr_renewing_90d:usd,billing_leakage_pct:fraction," +
				"late_quarter_discount_uplift:fraction,late_quarter_exception_share:fraction,precedent_anchor_rate:fraction," +
				"renewal_discount_slope:slope,renewal_risk_auc:auc,rep_contagion_uplift:fraction,scope_escalation_rate_ratio:ratio," +
				"scope_question_rate_ratio:ratio,shared_config_dispute_ratio:ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %q, want %q\n%s", got, tt.want, tt.q)
			}
		})
	}
}

// TestFiscalYearStart pins fiscal quarters when the fiscal year starts in
// February: FY2024 runs from February 2023 to January 2024.
func TestFiscalYearStart(t *testing.T) {
	s := settingsAsOf("2024-06-30")
	s.FiscalYearStartMonth = 2
	s.LateQuarterDays = 10
	db, _, _ := load(t, "testdata/definitions", s, "")
	tests := []struct{ deal, want string }{
		{"D08", "FY2024-Q1 2023-04-30 10 false"},
		{"D01", "FY2022-Q1 2021-04-30 43 false"},
		{"D02", "FY2022-Q3 2021-10-31 51 false"},
		{"D07", "FY2024-Q2 2023-07-31 60 false"},
	}
	for _, tt := range tests {
		q := "SELECT fiscal_quarter || ' ' || quarter_end || ' ' || days_to_quarter_end || ' ' || is_late_quarter FROM int_deals_enriched WHERE deal_id = ?"
		if got := fixture.Value(t, db, q, tt.deal); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.deal, got, tt.want)
		}
	}
}
