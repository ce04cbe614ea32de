package adapters_test

import (
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/contract"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestAPIExports checks the mappings of API JSON and saved-search exports
// a real company needs: DocuSign REST envelopes with nested custom fields
// and 15-character ids, Zendesk tickets deleted by status, Stripe invoices
// whose billed period and billing configuration come from their lines,
// and NetSuite invoices with their paid date and a custom dispute field.
func TestAPIExports(t *testing.T) {
	res, db := run(t, "testdata/api", func(o *etl.Options) {
		o.Vendors.CustomFields = map[string]map[string]string{"netsuite/transaction": {"is_disputed": "Disputed"}}
	})
	rules := []rule{
		// DocuSign REST
		{"EnvelopeSignsContract", "SELECT signed_date FROM contracts WHERE contract_id = '8005g00000Ap1AaAAJ'", "2025-03-27"},
		{"EnvelopeNotQuarantined", "SELECT count(*) FROM quarantine WHERE source_file = 'docusign/envelopes.jsonl'", "0"},
		{"SentEnvelopeRecordedWithOpportunity18", "SELECT status || ' ' || (detail::JSON->>'opportunity_id') FROM vendor_records WHERE vendor = 'docusign'", "sent 0065g00000Ap1AaAAJ"},
		// Zendesk API
		{"DeletedTicketDropped", "SELECT count(*) FROM tickets WHERE ticket_id = '4103'", "0"},
		{"LiveTicketsLoad", "SELECT string_agg(ticket_id || ':' || category, ',' ORDER BY ticket_id) FROM tickets", "4101:scope_question,4102:bug"},
		// Stripe API
		{"BilledPeriodFromLines", "SELECT period_start || ' ' || period_end FROM invoices WHERE invoice_id = 'in_Ap1'", "2025-05-01 2025-06-01"},
		{"BillingConfigFromPrice", "SELECT billing_config_id FROM invoices WHERE invoice_id = 'in_Ap1'", "price_Pro1"},
		{"PaidAtNested", "SELECT paid_date FROM invoices WHERE invoice_id = 'in_Ap1'", "2025-05-03"},
		// NetSuite saved search
		{"PaidDateFromDateClosed", "SELECT status || ' ' || paid_date FROM invoices WHERE invoice_id = '9101'", "paid 2025-04-20"},
		{"OpenHasNoPaidDate", "SELECT status || ' ' || coalesce(paid_date::VARCHAR, '-') FROM invoices WHERE invoice_id = '9102'", "open -"},
		{"DisputeFromCustomBodyField", "SELECT string_agg(invoice_id || ':' || is_disputed, ',' ORDER BY invoice_id) FROM invoices WHERE invoice_id IN ('9101', '9102')", "9101:false,9102:true"},
		{"CreditMemoByDisplayType", "SELECT invoice_id || ' ' || amount FROM credit_notes WHERE credit_note_id = '9103'", "9102 1500.00"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	f := fileResult(t, res, "zendesk/tickets.jsonl")
	got := [3]int64{f.RowsRead, f.RowsLoaded, f.RowsDeleted}
	if got != [3]int64{3, 2, 1} {
		t.Errorf("zendesk/tickets.jsonl: read, loaded, deleted = %v, want [3 2 1]", got)
	}
	if sum := f.RowsLoaded + f.RowsQuarantined + f.RowsEnrichment + f.RowsRecorded + f.RowsDeleted + f.RowsSkipped; sum != f.RowsRead {
		t.Errorf("zendesk/tickets.jsonl: outcomes add up to %d, want %d rows read", sum, f.RowsRead)
	}
}

// TestStripeBillingConfig checks that vendors.stripe_billing_config none
// leaves Stripe invoices without a billing configuration.
func TestStripeBillingConfig(t *testing.T) {
	_, db := run(t, "testdata/api", func(o *etl.Options) { o.Vendors.StripeBillingConfig = "none" })
	if got := fixture.Value(t, db, "SELECT billing_config_id FROM invoices WHERE invoice_id = 'in_Ap1'"); got != "<null>" {
		t.Errorf("got %s, want <null>", got)
	}
}

// TestAPIPages loads testdata/api_pages, the API objects of testdata/api
// as the APIs return a page of them (Salesforce REST query results with
// records and their attributes, Stripe list objects, Zendesk ticket and
// organization lists, a DocuSign listStatusChanges response), and checks
// that every entity gets the same rows as from the JSON lines and CSV.
func TestAPIPages(t *testing.T) {
	custom := func(o *etl.Options) {
		o.Vendors.CustomFields = map[string]map[string]string{"netsuite/transaction": {"is_disputed": "Disputed"}}
	}
	_, want := run(t, "testdata/api", custom)
	res, db := run(t, "testdata/api_pages", custom)
	for _, e := range contract.Entities {
		if got, w := digest(t, db, e.Name), digest(t, want, e.Name); got != w {
			t.Errorf("%s: got %s, want %s (as from testdata/api)", e.Name, got, w)
		}
	}
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, ".json") && (f.Status != etl.FileLoaded || f.RowsRead == 0) {
			t.Errorf("%s: %s, %d rows read (%s)", f.Path, f.Status, f.RowsRead, f.Error)
		}
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
}
