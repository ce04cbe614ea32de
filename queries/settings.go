package queries

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Settings are the knobs of the models. They are written into every
// warehouse generation as tables (precedent_settings, discount_policy,
// vague_phrases, risk_weights), with values bound as parameters, so the SQL
// reads them like any relation and analysts can see what a number was
// computed with.
type Settings struct {
	AsOf                 time.Time
	BaseCurrency         string
	FiscalYearStartMonth int                // 1..12
	LateQuarterDays      int                // a deal is late-quarter when fewer days than this remain
	PolicyMax            map[string]float64 // discount policy maximum per segment
	VaguePhrases         []string           // matched case-insensitively in scope text
	RiskWeights          map[string]float64 // weight of each renewal risk factor
	RiskTierMedium       float64            // risk_score at or above this is medium
	RiskTierHigh         float64            // risk_score at or above this is high
}

// RiskFactors names the renewal risk factors, in the order reasons list
// them on a tie, with what each measures. docs/metrics.md explains each.
var RiskFactors = []struct{ Name, Description string }{
	{"escalations", "escalated tickets of the account in the 180 days before the cut-off (3 or more = full weight)"},
	{"scope_questions", "scope-question tickets of the account in the 180 days before the cut-off (3 or more = full weight)"},
	{"disputes", "disputed invoices of the account issued in the 365 days before the cut-off (2 or more = full weight)"},
	{"credit_notes", "credit notes of the account in the 365 days before the cut-off (2 or more = full weight)"},
	{"late_payments", "invoices of the account due in the 365 days before the cut-off and paid more than 30 days late, or still unpaid 30 days after due (2 or more = full weight)"},
	{"ambiguity", "the contract's ambiguity_score / 100"},
	{"discount_anchor", "the contract's deal kept a discount within 2 points of the account's exception precedent, or above it"},
	{"no_auto_renew", "the contract does not renew automatically"},
}

// DefaultSettings are the values used where the configuration is silent.
func DefaultSettings() Settings {
	return Settings{
		BaseCurrency:         "USD",
		FiscalYearStartMonth: 1,
		LateQuarterDays:      14,
		PolicyMax:            map[string]float64{"enterprise": 0.25, "mid_market": 0.20, "smb": 0.15},
		VaguePhrases: []string{"as needed", "as required", "including but not limited to", "reasonable efforts",
			"commercially reasonable", "best efforts", "mutually agreed", "to be determined", "tbd", "etc.",
			"and similar", "where applicable", "from time to time", "as appropriate", "bespoke", "unlimited",
			"any and all", "ongoing support", "white glove", "priority access", "future features", "roadmap"},
		RiskWeights: map[string]float64{"escalations": 25, "scope_questions": 10, "disputes": 20, "credit_notes": 5,
			"late_payments": 10, "ambiguity": 15, "discount_anchor": 5, "no_auto_renew": 10},
		RiskTierMedium: 20,
		RiskTierHigh:   35,
	}
}

// Validate checks the settings, naming what is wrong.
func (s Settings) Validate() error {
	var errs []string
	if s.FiscalYearStartMonth < 1 || s.FiscalYearStartMonth > 12 {
		errs = append(errs, fmt.Sprintf("fiscal_year_start_month: %d is not a month 1-12", s.FiscalYearStartMonth))
	}
	if s.LateQuarterDays < 0 || s.LateQuarterDays > 92 {
		errs = append(errs, fmt.Sprintf("late_quarter_days: %d is not 0-92", s.LateQuarterDays))
	}
	for _, seg := range []string{"enterprise", "mid_market", "smb"} {
		v, ok := s.PolicyMax[seg]
		if !ok || v < 0 || v > 1 {
			errs = append(errs, fmt.Sprintf("discount_policy_max.%s: want a share between 0 and 1", seg))
		}
	}
	for seg := range s.PolicyMax {
		if !slices.Contains([]string{"enterprise", "mid_market", "smb"}, seg) {
			errs = append(errs, fmt.Sprintf("discount_policy_max.%s: not a segment (enterprise, mid_market, smb)", seg))
		}
	}
	if len(s.VaguePhrases) == 0 {
		errs = append(errs, "vague_phrases: the lexicon is empty")
	}
	var total float64
	for name, w := range s.RiskWeights {
		if !slices.ContainsFunc(RiskFactors, func(f struct{ Name, Description string }) bool { return f.Name == name }) {
			errs = append(errs, fmt.Sprintf("risk_weights.%s: not a risk factor", name))
		}
		if w < 0 {
			errs = append(errs, fmt.Sprintf("risk_weights.%s: must not be negative", name))
		}
		total += w
	}
	if total <= 0 {
		errs = append(errs, "risk_weights: at least one weight must be positive")
	}
	if !(0 <= s.RiskTierMedium && s.RiskTierMedium <= s.RiskTierHigh && s.RiskTierHigh <= 100) {
		errs = append(errs, "risk_tiers: want 0 <= medium <= high <= 100")
	}
	if len(errs) > 0 {
		return fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return nil
}

// write stores the settings as tables in the generation.
func (s Settings) write(ctx context.Context, conn *sql.Conn) error {
	type stmt struct {
		q    string
		args []any
	}
	stmts := []stmt{
		{`CREATE OR REPLACE TABLE precedent_settings AS SELECT ?::DATE AS as_of, ?::VARCHAR AS base_currency,
  ?::INTEGER AS fiscal_year_start_month, ?::INTEGER AS late_quarter_days,
  ?::DOUBLE AS risk_tier_medium, ?::DOUBLE AS risk_tier_high`,
			[]any{s.AsOf.Format(time.DateOnly), s.BaseCurrency, s.FiscalYearStartMonth, s.LateQuarterDays, s.RiskTierMedium, s.RiskTierHigh}},
		{"CREATE OR REPLACE TABLE discount_policy (segment VARCHAR, max_discount_pct DOUBLE)", nil},
		{"CREATE OR REPLACE TABLE vague_phrases (phrase VARCHAR)", nil},
		{"CREATE OR REPLACE TABLE risk_weights (factor VARCHAR, weight DOUBLE, description VARCHAR)", nil},
	}
	for _, seg := range []string{"enterprise", "mid_market", "smb"} {
		stmts = append(stmts, stmt{"INSERT INTO discount_policy VALUES (?, ?)", []any{seg, s.PolicyMax[seg]}})
	}
	for _, p := range s.VaguePhrases {
		stmts = append(stmts, stmt{"INSERT INTO vague_phrases VALUES (lower(trim(?)))", []any{p}})
	}
	for _, f := range RiskFactors {
		stmts = append(stmts, stmt{"INSERT INTO risk_weights VALUES (?, ?, ?)", []any{f.Name, s.RiskWeights[f.Name], f.Description}})
	}
	for _, st := range stmts {
		if _, err := conn.ExecContext(ctx, st.q, st.args...); err != nil {
			return fmt.Errorf("write settings: %w", err)
		}
	}
	return nil
}
