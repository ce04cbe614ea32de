package adapters

import (
	"strings"
	"testing"
)

// TestRecordKeys checks that every object's record key, which tells the
// versions of a record apart, is one of its fields, and that the objects
// whose records a pull lands again when they change have one.
func TestRecordKeys(t *testing.T) {
	for _, o := range Objects() {
		for _, k := range o.RecordKey() {
			if _, ok := o.Field(k); !ok {
				t.Errorf("%s: record key %s is none of its fields", o.ID(), k)
			}
		}
	}
	for id, want := range map[string]string{"zendesk/tickets": "id", "hubspot/deals": "deal_id", "hubspot/companies": "hs_object_id",
		"docusign/envelopes": "envelope_id", "salesforce/Opportunity": "id", "zendesk/ticket_tags": "",
		"netsuite/transactionline": "transaction, linesequencenumber"} {
		o, _ := Lookup(id)
		if got := strings.Join(o.RecordKey(), ", "); got != want {
			t.Errorf("%s: record key %q, want %q", id, got, want)
		}
	}
}
