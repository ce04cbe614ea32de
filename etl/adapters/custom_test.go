package adapters_test

import (
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl"
	"github.com/precedent-dev/precedent/etl/adapters"
	"github.com/precedent-dev/precedent/internal/fixture"
)

// TestCustomFields checks that vendors.fields fills contract columns from
// a Salesforce contract's custom fields, spelled differently in the
// setting than in the export, and that they override the default.
func TestCustomFields(t *testing.T) {
	_, db := run(t, "testdata/custom", func(o *etl.Options) {
		o.Vendors.CustomFields = map[string]map[string]string{
			"salesforce/Contract": {"auto_renew": "auto_renew__c", "has_side_letter": "SIDE_LETTER__C"},
		}
	})
	rules := []rule{
		{"AutoRenewTrue", "SELECT auto_renew FROM contracts WHERE contract_id = '8005g00000Cu1AaAAJ'", "true"},
		{"AutoRenewFalse", "SELECT auto_renew FROM contracts WHERE contract_id = '8005g00000Cu2BbAAJ'", "false"},
		{"SideLetterTrue", "SELECT has_side_letter FROM contracts WHERE contract_id = '8005g00000Cu2BbAAJ'", "true"},
		{"SideLetterFalse", "SELECT has_side_letter FROM contracts WHERE contract_id = '8005g00000Cu1AaAAJ'", "false"},
		{"MappedColumnsKept", "SELECT scope_text || ' ' || signed_date FROM contracts WHERE contract_id = '8005g00000Cu1AaAAJ'", "Platform subscription 2025-03-29"},
	}
	for _, tt := range rules {
		t.Run(tt.name, func(t *testing.T) {
			if got := fixture.Value(t, db, tt.q); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

// TestCustomFieldsInvalid checks that a wrong vendors.fields setting is an
// error naming it.
func TestCustomFieldsInvalid(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]map[string]string
		want   string
	}{
		{"OK", map[string]map[string]string{"salesforce/Contract": {"auto_renew": "Auto_Renew__c"}, "netsuite/transaction": {"is_disputed": "custbody_disputed", "credit_notes.reason": "custbody_reason"}}, ""},
		{"ErrUnknownObject", map[string]map[string]string{"salesforce/Contrat": {"auto_renew": "Auto_Renew__c"}}, `vendors.fields.salesforce/Contrat: "salesforce/Contrat" is no vendor object`},
		{"ErrUnknownColumn", map[string]map[string]string{"salesforce/Contract": {"side_letter": "Side_Letter__c"}}, `vendors.fields.salesforce/Contract.side_letter: contracts has no column "side_letter"`},
		{"ErrEntityNotFed", map[string]map[string]string{"zendesk/tickets": {"invoices.is_disputed": "custom_disputed"}}, "vendors.fields.zendesk/tickets.invoices.is_disputed: zendesk tickets does not feed invoices"},
		{"ErrEnrichingObject", map[string]map[string]string{"docusign/envelopes": {"auto_renew": "AutoRenew"}}, "vendors.fields.docusign/envelopes: docusign envelopes enriches contracts"},
		{"ErrNoFieldName", map[string]map[string]string{"stripe/invoices": {"dispute_reason": " "}}, "vendors.fields.stripe/invoices.dispute_reason: no field name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := adapters.DefaultConfig()
			c.CustomFields = tt.fields
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
