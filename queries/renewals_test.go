package queries_test

import (
	"testing"

	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestRenewalRiskInDollars pins, on the hand-made company of
// testdata/renewals (see its README), what the renewal-risk marts say a
// renewal puts at risk in dollars, who owns it and what to do next, and
// that account_summary shows every account's next renewal whatever the
// horizon.
func TestRenewalRiskInDollars(t *testing.T) {
	db, _, _ := load(t, "testdata/renewals", settingsAsOf("2024-06-30"), "")
	t.Run("NextSteps", func(t *testing.T) {
		tests := []struct {
			contract, nextStep, owner, arrAtRisk string
		}{
			{"C1", "resolve invoice I1 before the renewal call", "R2 Bo Chen", "100000.0"},
			{"C2", "review scope with CS before the renewal call", "R2 Bo Chen", "7660.0"},
			{"C3", "renewal priced at the prior exception D3a: get approval now", "R2 Bo Chen", "3000.0"},
			{"C4", "no action: renew as usual", "R1 Ann Lee", "0.0"},
		}
		for _, tt := range tests {
			t.Run(tt.contract, func(t *testing.T) {
				q := "SELECT next_step FROM int_renewal_risk_accounts WHERE purpose = 'current' AND contract_id = ?"
				if got := fixture.Value(t, db, q, tt.contract); got != tt.nextStep {
					t.Errorf("next_step: got %q, want %q", got, tt.nextStep)
				}
				q = "SELECT owner_rep_id || ' ' || owner_name FROM int_renewal_risk_accounts WHERE purpose = 'current' AND contract_id = ?"
				if got := fixture.Value(t, db, q, tt.contract); got != tt.owner {
					t.Errorf("owner: got %q, want %q", got, tt.owner)
				}
				q = "SELECT arr_at_risk::DOUBLE FROM int_renewal_risk_accounts WHERE purpose = 'current' AND contract_id = ?"
				if got := fixture.Value(t, db, q, tt.contract); got != tt.arrAtRisk {
					t.Errorf("arr_at_risk: got %q, want %q", got, tt.arrAtRisk)
				}
			})
		}
	})
	t.Run("Marts", func(t *testing.T) {
		tests := []struct{ name, q, want string }{
			// renewal_risk keeps its 180 days; ranked by dollars, the
			// million-dollar low-risk renewal comes before the high-risk
			// small one.
			{"RenewalRiskByDollars", "SELECT string_agg(contract_id, ',' ORDER BY arr_at_risk DESC) FROM renewal_risk", "C1,C2"},
			{"RenewalRiskByScore", "SELECT string_agg(contract_id || ':' || risk_score || ' ' || risk_tier, ',' ORDER BY risk_score DESC) FROM renewal_risk", "C2:38.3 high,C1:10.0 low"},
			{"RenewalRiskColumns", "SELECT owner_name || '; ' || next_step FROM renewal_risk WHERE contract_id = 'C2'", "Bo Chen; review scope with CS before the renewal call"},
			// The weekly history: C1 and C2 entered the 90-day window in
			// 2024-W25, scored as of its Sunday.
			{"WeeklyEntered", "SELECT string_agg(contract_id || ':' || risk_score || ' ' || arr_at_risk || ' ' || next_step, ', ' ORDER BY contract_id) FROM renewal_risk_weekly WHERE iso_week = '2024-W25'",
				"C1:10.0 100000.0 resolve invoice I1 before the renewal call, C2:38.3 7660.0 review scope with CS before the renewal call"},
			{"WeeklyNoneBefore", "SELECT count(*) FROM renewal_risk_weekly WHERE iso_week = '2024-W24'", "0"},
			{"WeeklyOwner", "SELECT owner_name FROM renewal_risk_weekly WHERE contract_id = 'C1' AND iso_week = '2024-W25'", "Bo Chen"},
			// Every account's next renewal, whatever the horizon.
			{"AccountsNextRenewal", "SELECT string_agg(account_id || ':' || coalesce(next_renewal_date::VARCHAR, '-') || ':' || coalesce(risk_tier, '-'), ',' ORDER BY account_id) FROM account_summary",
				"A1:2024-09-20:low,A2:2024-09-18:high,A3:2024-12-31:low,A4:2025-06-30:low,A5:-:-"},
			{"AccountsARRAtRisk", "SELECT string_agg(account_id || ':' || coalesce(arr_at_risk::VARCHAR, '-') || ':' || coalesce(owner_name, '-'), ',' ORDER BY account_id) FROM account_summary",
				"A1:100000.0:Bo Chen,A2:7660.0:Bo Chen,A3:3000.0:Bo Chen,A4:0.0:Ann Lee,A5:-:-"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := fixture.Value(t, db, tt.q); got != tt.want {
					t.Errorf("got %q, want %q\n%s", got, tt.want, tt.q)
				}
			})
		}
	})
}
