package adapters_test

import (
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// rule is one mapping rule checked by a one-value query.
type rule struct{ name, q, want string }

// TestSalesforceReportSpelling checks every mapping rule of Salesforce
// (with CPQ and Advanced Approvals), DocuSign, Stripe and Zendesk on
// exports that use the API names (reports, Data Loader, the Stripe and
// Zendesk APIs).
func TestSalesforceReportSpelling(t *testing.T) {
	_, db := mixed(t)
	const o1, o2, o3, o4 = "0065g00000Op1AaAAJ", "0065g00000Op2BbAAJ", "0065g00000Op3CcAAJ", "0065g00000Op4DdAAJ"
	rules := []rule{
		// Account
		{"AccountIdKept18", "SELECT count(*) FROM accounts WHERE account_id IN ('0015g00000AbCdEAAV', '0015g00000BxYzQAAV')", "2"},
		{"AccountName", "SELECT account_name FROM accounts WHERE account_id = '0015g00000BxYzQAAV'", "Beta, LLC"},
		{"SegmentFromEmployeesEnterprise", "SELECT segment FROM accounts WHERE account_id = '0015g00000AbCdEAAV'", "enterprise"},
		{"SegmentFromEmployeesMidMarket", "SELECT segment FROM accounts WHERE account_id = '0015g00000BxYzQAAV'", "mid_market"},
		{"Region", "SELECT region FROM accounts WHERE account_id = '0015g00000BxYzQAAV'", "DE"},
		{"Industry", "SELECT industry FROM accounts WHERE account_id = '0015g00000AbCdEAAV'", "Manufacturing"},
		{"AccountCreatedDate", "SELECT created_date FROM accounts WHERE account_id = '0015g00000AbCdEAAV'", "2024-01-15"},
		// User
		{"Rep", "SELECT rep_name || '/' || team || '/' || manager_id FROM reps WHERE rep_id = '0055g00000RepAaAAJ'", "Ravi Rep/Sales East/0055g00000MgrBbAAJ"},
		// Opportunity
		{"DealAccount15To18", "SELECT account_id FROM deals WHERE deal_id = '" + o1 + "'", "0015g00000AbCdEAAV"},
		{"DealOwner15To18", "SELECT rep_id FROM deals WHERE deal_id = '" + o1 + "'", "0055g00000RepAaAAJ"},
		{"TypeNewBusiness", "SELECT deal_type FROM deals WHERE deal_id = '" + o1 + "'", "new"},
		{"TypeRenewal", "SELECT deal_type FROM deals WHERE deal_id = '" + o2 + "'", "renewal"},
		{"TypeUpgradeIsExpansion", "SELECT deal_type FROM deals WHERE deal_id = '" + o4 + "'", "expansion"},
		{"StageWon", "SELECT stage FROM deals WHERE deal_id = '" + o1 + "'", "won"},
		{"StageLost", "SELECT stage FROM deals WHERE deal_id = '" + o4 + "'", "lost"},
		{"CreatedDateOfTimestamp", "SELECT created_date FROM deals WHERE deal_id = '" + o1 + "'", "2025-01-10"},
		{"CloseDate", "SELECT close_date FROM deals WHERE deal_id = '" + o1 + "'", "2025-03-28"},
		{"NetAmountIsAmount", "SELECT net_amount FROM deals WHERE deal_id = '" + o1 + "'", "65000.00"},
		{"ListAmountFromCPQLines", "SELECT list_amount FROM deals WHERE deal_id = '" + o1 + "'", "100000.00"},
		{"ListAmountFromProducts", "SELECT list_amount FROM deals WHERE deal_id = '" + o2 + "'", "100000.00"},
		{"ListAmountIsAmountWithoutLines", "SELECT list_amount FROM deals WHERE deal_id = '" + o4 + "'", "20000.00"},
		{"TermFromQuoteLines", "SELECT term_months FROM deals WHERE deal_id = '" + o1 + "'", "12"},
		// Advanced Approvals
		{"ApprovalHighestApprovedStep", "SELECT approval_level FROM deals WHERE deal_id = '" + o1 + "'", "vp"},
		{"ApprovedAtOfThatStep", "SELECT approved_at FROM deals WHERE deal_id = '" + o1 + "'", "2025-03-27 18:30:00"},
		{"RejectedApprovalIsNoLevel", "SELECT approval_level FROM deals WHERE deal_id = '" + o3 + "'", "none"},
		// CPQ quote lines and products
		{"QuoteLineToDealThroughSyncedQuote", "SELECT deal_id FROM deal_lines WHERE line_id = 'a0y5g00000Ln1AaAAJ'", o1},
		{"QuoteLineNetPrice", "SELECT net_unit_price FROM deal_lines WHERE line_id = 'a0y5g00000Ln1AaAAJ'", "520.0000"},
		{"QuoteLineNetFromRegularLessDiscount", "SELECT net_unit_price FROM deal_lines WHERE line_id = 'a0y5g00000Ln2BbAAJ'", "13000.0000"},
		{"QuoteLineCustomHasNoSku", "SELECT sku IS NULL AND description = 'Onboarding services as needed' FROM deal_lines WHERE line_id = 'a0y5g00000Ln2BbAAJ'", "true"},
		{"ProductNetFromTotalPrice", "SELECT net_unit_price FROM deal_lines WHERE line_id = '00k5g00000Li2BbAAJ'", "900.0000"},
		{"ProductListPrice", "SELECT list_unit_price || ' ' || quantity || ' ' || sku FROM deal_lines WHERE line_id = '00k5g00000Li1AaAAJ'", "1000.0000 100.0000 PLAT-ENT"},
		{"ProductSupersededByCPQ", "SELECT count(*) FROM deal_lines WHERE line_id = '00k5g00000Li3CcAAJ'", "0"},
		// Contract and DocuSign
		{"EndDateFromTerm", "SELECT end_date FROM contracts WHERE contract_id = '8005g00000Ct1AaAAJ'", "2026-03-31"},
		{"ARRFromDealAmount", "SELECT arr FROM contracts WHERE contract_id = '8005g00000Ct1AaAAJ'", "65000.00"},
		{"ARRAnnualised", "SELECT arr FROM contracts WHERE contract_id = '8005g00000Ct2BbAAJ'", "132000.00"},
		{"ContractDeal", "SELECT deal_id FROM contracts WHERE contract_id = '8005g00000Ct1AaAAJ'", o1},
		{"RenewsThroughRenewalOpportunity", "SELECT renews_contract_id FROM contracts WHERE contract_id = '8005g00000Ct2BbAAJ'", "8005g00000Ct1AaAAJ"},
		{"ScopeText", "SELECT scope_text FROM contracts WHERE contract_id = '8005g00000Ct1AaAAJ'", "Implementation services as needed, including but not limited to onboarding"},
		{"SpecialTermsAreNonstandardTerm", "SELECT term_type || ' ' || is_standard || ' ' || term_text FROM contract_terms WHERE contract_id = '8005g00000Ct3CcAAJ'", "other false Custom SSO integration at no charge"},
		{"DraftContractSkipped", "SELECT count(*) FROM contracts WHERE contract_id = '8005g00000Ct4DdAAJ'", "0"},
		{"SignedByCompletedEnvelopeOfDeal", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ct1AaAAJ'", "2025-03-29"},
		{"SignedByEnvelopeOfAccount", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ct2BbAAJ'", "2026-03-20"},
		{"SignedDateInUTC", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ct3CcAAJ'", "2025-07-15"},
		{"DeclinedAndVoidedRecorded", "SELECT string_agg(record_id || ':' || status, ',' ORDER BY record_id) FROM vendor_records WHERE vendor = 'docusign'", "9b1e0c7a-0003:declined,9b1e0c7a-0005:voided"},
		{"EnvelopesMakeNoContracts", "SELECT count(*) FROM contracts", "3"},
		// Stripe
		{"InvoiceMinorUnits", "SELECT amount FROM invoices WHERE invoice_id = 'in_1'", "33000.00"},
		{"InvoiceUnixDates", "SELECT issued_date || ' ' || due_date || ' ' || period_start || ' ' || period_end FROM invoices WHERE invoice_id = 'in_1'", "2025-04-01 2025-05-01 2025-04-01 2025-09-30"},
		{"InvoicePaidDate", "SELECT paid_date FROM invoices WHERE invoice_id = 'in_1'", "2025-04-07"},
		{"InvoiceCurrencyUpper", "SELECT currency FROM invoices WHERE invoice_id = 'in_1'", "USD"},
		{"InvoiceAccountByCustomerMetadata", "SELECT account_id FROM invoices WHERE invoice_id = 'in_1'", "0015g00000AbCdEAAV"},
		{"InvoiceAccountByXref", "SELECT account_id FROM invoices WHERE invoice_id = 'in_4'", "0015g00000BxYzQAAV"},
		{"InvoiceContractByDate", "SELECT contract_id FROM invoices WHERE invoice_id = 'in_2'", "8005g00000Ct1AaAAJ"},
		{"InvoiceContractBySubscriptionMetadata", "SELECT contract_id FROM invoices WHERE invoice_id = 'in_3'", "8005g00000Ct2BbAAJ"},
		{"DisputedByCreditNoteAndDisputeRecord", "SELECT is_disputed || ' ' || dispute_reason FROM invoices WHERE invoice_id = 'in_2'", "true dispute: product_unacceptable; credit note: product_unsatisfactory"},
		{"DisputedByMetadata", "SELECT is_disputed || ' ' || dispute_reason FROM invoices WHERE invoice_id = 'in_3'", "true metadata disputed"},
		{"CardDisputeIsNotADispute", "SELECT is_disputed FROM invoices WHERE invoice_id = 'in_4'", "false"},
		{"CardDisputeRecorded", "SELECT record_id || ' ' || status FROM vendor_records WHERE vendor = 'stripe'", "dp_1 lost"},
		{"InvoiceLine", "SELECT line_no || ' ' || sku || ' ' || quantity || ' ' || unit_price || ' ' || amount FROM invoice_lines WHERE invoice_id = 'in_3'", "1 price_ent 2.0000 33000.0000 66000.00"},
		{"CreditNote", "SELECT invoice_id || ' ' || issued_date || ' ' || amount || ' ' || reason FROM credit_notes WHERE credit_note_id = 'cn_1'", "in_2 2025-10-15 5000.00 product_unsatisfactory: Onboarding not delivered as expected"},
		{"VoidCreditNoteSkipped", "SELECT count(*) FROM credit_notes WHERE credit_note_id = 'cn_2'", "0"},
		// Zendesk
		{"TicketAccountByExternalID15", "SELECT account_id FROM tickets WHERE ticket_id = '1001'", "0015g00000AbCdEAAV"},
		{"TicketAccountByXref15", "SELECT account_id FROM tickets WHERE ticket_id = '1003'", "0015g00000BxYzQAAV"},
		{"TicketCreatedAt", "SELECT created_at FROM tickets WHERE ticket_id = '1001'", "2026-02-01 10:00:00"},
		{"ResolvedWhenSolved", "SELECT resolved_at FROM tickets WHERE ticket_id = '1001'", "2026-02-03 10:00:00"},
		{"NotResolvedWhenOpen", "SELECT resolved_at IS NULL FROM tickets WHERE ticket_id = '1002'", "true"},
		{"CategoryFromTag", "SELECT category FROM tickets WHERE ticket_id = '1001'", "scope_question"},
		{"CategoryFromType", "SELECT category FROM tickets WHERE ticket_id = '1003'", "bug"},
		{"Tags", "SELECT tags FROM tickets WHERE ticket_id = '1001'", "scope_question;onboarding"},
		{"Priority", "SELECT priority FROM tickets WHERE ticket_id = '1001'", "urgent"},
		{"EscalatedByPriorityRaised", "SELECT is_escalated || ' ' || escalated_at FROM tickets WHERE ticket_id = '1001'", "true 2026-02-02 09:30:00"},
		{"EscalatedByTagAdded", "SELECT is_escalated || ' ' || escalated_at FROM tickets WHERE ticket_id = '1002'", "true 2026-05-12 14:00:00"},
		{"CreatedHighIsNoEscalation", "SELECT is_escalated FROM tickets WHERE ticket_id = '1003'", "false"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestConnectorSpelling checks the rules on connector-synced tables
// (snake_case, _fivetran_synced, is_deleted), Zendesk audits, CPQ prices
// derived from discounts, and a base currency with no minor unit.
func TestConnectorSpelling(t *testing.T) {
	res, db := run(t, "testdata/connector", func(o *etl.Options) {
		o.BaseCurrency = "JPY"
		o.Vendors.TimeZones = map[string]string{"salesforce": "America/New_York"}
		o.Vendors.Categories["fr"] = "feature_request"
		o.Vendors.EscalationGroups = []string{"4242"}
	})
	const cn1 = "0065g00000Cn1AaAAJ"
	rules := []rule{
		{"DeletedRowDropped", "SELECT count(*) FROM accounts WHERE account_id = '0015g00000ZaPpAAAV'", "0"},
		{"SegmentFromRevenue", "SELECT segment FROM accounts WHERE account_id = '0015g00000GaMmAAAV'", "enterprise"},
		{"SegmentCustomFieldWins", "SELECT segment FROM accounts WHERE account_id = '0015g00000DeLtAAAV'", "mid_market"},
		{"TimeWithoutOffsetInVendorZone", "SELECT created_date FROM deals WHERE deal_id = '" + cn1 + "'", "2025-01-11"},
		{"StageFromStageNameLost", "SELECT count(*) FROM quarantine WHERE source_file = 'salesforce/opportunity.csv' AND raw_values LIKE '%\"stage\":\"lost\"%'", "1"},
		{"StageOpen", "SELECT stage FROM deals WHERE deal_id = '0065g00000Cn3CcAAJ'", "open"},
		{"UntypedDealWithRenewalLineIsRenewal", "SELECT deal_type FROM deals WHERE deal_id = '" + cn1 + "'", "renewal"},
		{"QuoteThroughPrimaryQuote", "SELECT count(*) FROM deal_lines WHERE deal_id = '" + cn1 + "'", "2"},
		{"NetFromRegularLessPercent", "SELECT net_unit_price FROM deal_lines WHERE line_id = 'a0y5g00000Lq1AaAAJ'", "90.0000"},
		{"NetFromRegularLessAmount", "SELECT net_unit_price FROM deal_lines WHERE line_id = 'a0y5g00000Lq2BbAAJ'", "150.0000"},
		{"NetAmountFromLinesWithoutAmount", "SELECT list_amount || ' ' || net_amount FROM deals WHERE deal_id = '" + cn1 + "'", "1400.00 1200.00"},
		{"LongestSubscriptionTerm", "SELECT term_months FROM deals WHERE deal_id = '" + cn1 + "'", "24"},
		{"StepAboveLevelsIsHighest", "SELECT approval_level || ' ' || approved_at FROM deals WHERE deal_id = '" + cn1 + "'", "cfo 2025-02-13 12:00:00"},
		{"EndDateFromTwoYearTerm", "SELECT end_date FROM contracts WHERE contract_id = '8005g00000Kt1AaAAJ'", "2027-02-28"},
		{"ARRCustomField", "SELECT arr FROM contracts WHERE contract_id = '8005g00000Kt1AaAAJ'", "5000.00"},
		{"CustomerSignedDateWins", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Kt1AaAAJ'", "2025-02-20"},
		{"DocuSignStatusObjectSigns", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Kt2BbAAJ'", "2025-04-28"},
		{"DocuSignStatusVoidedRecorded", "SELECT record_id || ' ' || status FROM vendor_records", "env-acme voided"},
		{"ZeroDecimalCurrencyNotDivided", "SELECT amount || ' ' || currency FROM invoices WHERE invoice_id = 'in_G1'", "500000.00 JPY"},
		{"ISOTimesFromConnector", "SELECT issued_date || ' ' || period_end FROM invoices WHERE invoice_id = 'in_G1'", "2025-05-01 2026-04-30"},
		{"MetadataJSONColumn", "SELECT account_id FROM invoices WHERE invoice_id = 'in_G1'", "0015g00000GaMmAAAV"},
		{"CurrencyWithoutRateQuarantined", "SELECT column_name || ': ' || reason FROM quarantine WHERE source_file = 'stripe/invoice.csv' AND row_number = 2", "currency: currency: no rate for USD dated on or before 2025-06-01 in fx_rates; add one to convert the row to JPY"},
		{"MinorUnitsBeforeQuarantine", "SELECT raw_values::JSON->>'amount' FROM quarantine WHERE source_file = 'stripe/invoice.csv' AND row_number = 2", "19.99"},
		{"DeletedInvoiceDropped", "SELECT count(*) FROM invoices WHERE invoice_id = 'in_G3'", "0"},
		{"QuarantineNamesVendorField", "SELECT column_name || ' | ' || reason FROM quarantine WHERE source_file = 'salesforce/opportunity.csv' AND row_number = 2", "amount | list_amount: '1.000,00' is not a valid money (decimal number); net_amount: '1.000,00' is not a valid money (decimal number)"},
		{"TagsFromTagTable", "SELECT tags || ' ' || category FROM tickets WHERE ticket_id = '2001'", "fr;api feature_request"},
		{"AuditPriorityRaised", "SELECT is_escalated || ' ' || escalated_at FROM tickets WHERE ticket_id = '2001'", "true 2026-03-02 11:00:00"},
		{"AuditEscalationGroup", "SELECT is_escalated || ' ' || escalated_at FROM tickets WHERE ticket_id = '2002'", "true 2026-03-10 12:00:00"},
		{"AuditEscalationTagAdded", "SELECT is_escalated || ' ' || escalated_at FROM tickets WHERE ticket_id = '2003'", "true 2026-03-12 10:30:00"},
		{"ExternalID18", "SELECT account_id FROM tickets WHERE ticket_id = '2002'", "0015g00000GaMmAAAV"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	counts := []struct {
		path                                       string
		read, loaded, quar, enrich, rec, del, skip int64
	}{
		{"salesforce/account.csv", 4, 3, 0, 0, 0, 1, 0},
		{"salesforce/opportunity.csv", 3, 2, 1, 0, 0, 0, 0},
		{"stripe/invoice.csv", 3, 1, 1, 0, 0, 1, 0},
		{"docusign/dsfs_docu_sign_status_c.csv", 2, 0, 0, 1, 1, 0, 0},
		{"zendesk/ticket_audits.jsonl", 4, 0, 0, 4, 0, 0, 0},
		{"zendesk/ticket_tag.csv", 3, 0, 0, 3, 0, 0, 0},
	}
	for _, c := range counts {
		f := fileResult(t, res, c.path)
		got := [7]int64{f.RowsRead, f.RowsLoaded, f.RowsQuarantined, f.RowsEnrichment, f.RowsRecorded, f.RowsDeleted, f.RowsSkipped}
		want := [7]int64{c.read, c.loaded, c.quar, c.enrich, c.rec, c.del, c.skip}
		if got != want {
			t.Errorf("%s: read, loaded, quarantined, enrichment, recorded, deleted, skipped = %v, want %v", c.path, got, want)
		}
	}
}

// TestHubSpotAndNetSuite checks the rules of HubSpot exports (labels and
// connector property_ columns) and NetSuite saved searches, next to a
// contract-format file.
func TestHubSpotAndNetSuite(t *testing.T) {
	res, db := run(t, "testdata/crm_erp")
	rules := []rule{
		{"CompanyIsAccount", "SELECT account_name || ' ' || segment || ' ' || region FROM accounts WHERE account_id = '101'", "Hooli enterprise US"},
		{"CompanySmb", "SELECT segment FROM accounts WHERE account_id = '102'", "smb"},
		{"DealFromExportLabels", "SELECT account_id || ' ' || rep_id || ' ' || deal_type || ' ' || stage || ' ' || close_date || ' ' || created_date FROM deals WHERE deal_id = '301'", "101 owner-1 new won 2025-06-27 2025-05-01"},
		{"DealStageLostExistingBusiness", "SELECT deal_type || ' ' || stage FROM deals WHERE deal_id = '302'", "expansion lost"},
		{"DealListFromLineItems", "SELECT list_amount || ' ' || net_amount FROM deals WHERE deal_id = '301'", "10000.00 8000.00"},
		{"LineItemDiscountPercent", "SELECT list_unit_price || ' ' || net_unit_price FROM deal_lines WHERE line_id = '401'", "1000.0000 800.0000"},
		{"LineItemWithoutSkuIsCustom", "SELECT sku IS NULL FROM deal_lines WHERE line_id = '402'", "true"},
		{"TicketCategoryMapped", "SELECT category || ' ' || priority FROM tickets WHERE ticket_id = '501'", "billing normal"},
		{"TicketContractThroughDeal", "SELECT contract_id FROM tickets WHERE ticket_id = '501'", "K-1"},
		{"TicketResolved", "SELECT resolved_at FROM tickets WHERE ticket_id = '501'", "2025-09-03 10:00:00"},
		{"NetSuiteInvoice", "SELECT account_id || ' ' || issued_date || ' ' || due_date || ' ' || amount || ' ' || status FROM invoices WHERE invoice_id = '9001'", "101 2025-07-01 2025-07-31 8000.00 paid"},
		{"NetSuiteAccountByExternalID", "SELECT account_id FROM invoices WHERE invoice_id = '9007'", "101"},
		{"NetSuiteAccountByXref", "SELECT account_id FROM invoices WHERE invoice_id = '9002'", "102"},
		{"NetSuiteContractByDate", "SELECT contract_id FROM invoices WHERE invoice_id = '9001'", "K-1"},
		{"CustomFormIsBillingConfig", "SELECT billing_config_id FROM invoices WHERE invoice_id = '9002'", "form:Standard Invoice"},
		{"BillingScheduleIsBillingConfig", "SELECT billing_config_id FROM invoices WHERE invoice_id = '9007'", "schedule:Quarterly"},
		{"CreditMemoAppliedIsCreditNote", "SELECT invoice_id || ' ' || issued_date || ' ' || amount || ' ' || reason FROM credit_notes WHERE credit_note_id = '9003'", "9001 2025-08-01 500.00 Seat count wrong"},
		{"IncomeLinesFlipped", "SELECT quantity || ' ' || unit_price || ' ' || amount FROM invoice_lines WHERE invoice_id = '9001'", "10.0000 800.0000 8000.00"},
		{"PositiveLinesKept", "SELECT amount FROM invoice_lines WHERE invoice_id = '9007'", "2000.00"},
		{"PaymentQuarantined", "SELECT column_name || ' | ' || reason FROM quarantine WHERE source_file = 'netsuite/transaction.csv' AND row_number = 4", "Type | transaction type CustPymt is neither a customer invoice (CustInvc) nor a credit memo (CustCred)"},
		{"UnappliedCreditQuarantined", "SELECT column_name || ' | ' || reason FROM quarantine WHERE source_file = 'netsuite/transaction.csv' AND row_number = 5", "Applied To Transaction | credit memo 9005 is applied to no invoice"},
		{"UnmatchedCustomerQuarantined", "SELECT column_name || ' | ' || reason FROM quarantine WHERE source_file = 'netsuite/customer.csv' AND row_number = 3", "Internal ID | no account for NetSuite customer 7003: it has no externalid and account_xref.csv has no row (netsuite, 7003)"},
		{"UnmatchedInvoiceQuarantined", "SELECT entity || ' ' || column_name FROM quarantine WHERE source_file = 'netsuite/transaction.csv' AND row_number = 6", "invoices Name"},
		{"AssociationToUnknownTicketQuarantined", "SELECT reason FROM quarantine WHERE source_file = 'hubspot/ticket_deal.csv' AND row_number = 2", "ticket 777 is no HubSpot ticket of this source"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	f := fileResult(t, res, "netsuite/transactionline.csv")
	if f.RowsRead != 4 || f.RowsLoaded != 2 || f.RowsSkipped != 2 {
		t.Errorf("transactionline: read %d loaded %d skipped %d, want 4, 2, 2 (main line and credit memo line skipped)", f.RowsRead, f.RowsLoaded, f.RowsSkipped)
	}
}
