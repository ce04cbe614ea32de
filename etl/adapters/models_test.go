package adapters_test

import (
	"testing"
	"time"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/internal/fixture"
	"github.com/precedent-dev/precedent/internal/fixture/company"
	"github.com/precedent-dev/precedent/queries"
)

// TestMartsFromVendorExports loads a company that runs Salesforce with CPQ
// and Advanced Approvals, DocuSign, Stripe and Zendesk, builds the models
// (their data tests included) and checks the marts show it.
func TestMartsFromVendorExports(t *testing.T) {
	s := queries.DefaultSettings()
	s.AsOf = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	_, db := run(t, "testdata/mixed", func(o *etl.Options) { o.Models = &company.Models{Settings: s} })
	const acme, beta = "0015g00000AbCdEAAV", "0015g00000BxYzQAAV"
	const o1, o2, c1, c2, c3 = "0065g00000Op1AaAAJ", "0065g00000Op2BbAAJ", "8005g00000Ct1AaAAJ", "8005g00000Ct2BbAAJ", "8005g00000Ct3CcAAJ"
	tests := []struct {
		name, q, want string
	}{
		{"DealDiscountsRows", "SELECT count(*) FROM deal_discounts", "3"},
		{"ExceptionDiscount", "SELECT discount_pct FROM deal_discounts WHERE deal_id = '" + o1 + "'", "0.35"},
		{"ExceptionFlag", "SELECT is_exception AND is_late_quarter FROM deal_discounts WHERE deal_id = '" + o1 + "'", "true"},
		{"ApprovalLevel", "SELECT approval_level FROM deal_discounts WHERE deal_id = '" + o1 + "'", "vp"},
		{"RenewalAnchored", "SELECT prior_deal_id || ' ' || precedent_deal_id || ' ' || is_anchored FROM renewal_anchoring WHERE renewal_deal_id = '" + o2 + "'", o1 + " " + o1 + " true"},
		{"ContractScopeRows", "SELECT count(*) FROM contract_scope", "3"},
		{"VaguePhrases", "SELECT vague_phrase_count FROM contract_scope WHERE contract_id = '" + c1 + "'", "2"},
		{"CustomLineShare", "SELECT custom_line_share FROM contract_scope WHERE contract_id = '" + c1 + "'", "0.2"},
		{"NonstandardTerm", "SELECT nonstandard_term_count FROM contract_scope WHERE contract_id = '" + c3 + "'", "1"},
		{"BillingRows", "SELECT count(*) FROM billing_reconciliation", "3"},
		{"InvoicedC1", "SELECT invoiced FROM billing_reconciliation WHERE contract_id = '" + c1 + "'", "65500.0"},
		{"CreditedC1", "SELECT credited FROM billing_reconciliation WHERE contract_id = '" + c1 + "'", "5000.0"},
		{"DisputedC1", "SELECT disputed_invoices FROM billing_reconciliation WHERE contract_id = '" + c1 + "'", "1"},
		{"CardDisputeIsNoDispute", "SELECT disputed_invoices FROM billing_reconciliation WHERE contract_id = '" + c3 + "'", "0"},
		{"ExceptionKinds", "SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) FROM exception_register", "credit_note,custom_line,discount_exception,late_quarter_exception,nonstandard_term"},
		{"ExceptionAccount", "SELECT account_name FROM exception_register WHERE kind = 'late_quarter_exception'", "Acme Corp"},
		{"RenewalRiskRows", "SELECT string_agg(contract_id, ',' ORDER BY contract_id) FROM renewal_risk", c2 + "," + c3},
		{"RiskEscalations", "SELECT escalations FROM renewal_risk WHERE contract_id = '" + c2 + "'", "2"},
		{"RiskDisputes", "SELECT disputes FROM renewal_risk WHERE contract_id = '" + c2 + "'", "2"},
		{"RiskScopeQuestions", "SELECT scope_questions FROM renewal_risk WHERE contract_id = '" + c2 + "'", "1"},
		{"RiskAnchored", "SELECT is_anchored FROM renewal_risk WHERE contract_id = '" + c2 + "'", "true"},
		{"RiskAccount", "SELECT account_id FROM renewal_risk WHERE contract_id = '" + c3 + "'", beta},
		{"AcmeIsEnterprise", "SELECT segment FROM deal_discounts WHERE deal_id = '" + o1 + "'", "enterprise"},
		{"AcmeAccount", "SELECT account_id FROM deal_discounts WHERE deal_id = '" + o2 + "'", acme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
