package adapters

import (
	"slices"
	"strings"
	"testing"
)

// TestResolve checks which column fills which field when spellings meet.
func TestResolve(t *testing.T) {
	opp, _ := Lookup("salesforce/Opportunity")
	ql, _ := Lookup("salesforce/SBQQ__QuoteLine__c")
	cust, _ := Lookup("netsuite/customer")
	tx, _ := Lookup("netsuite/transaction")
	tests := []struct {
		name    string
		o       *Object
		header  []string
		want    []string // key per column
		dropped []int
	}{
		{"DataLoaderUpper", opp, []string{"ID", "ACCOUNTID", "CLOSEDATE", "ISWON"}, []string{"id", "account_id", "close_date", "is_won"}, nil},
		{"LowerCase", opp, []string{"id", "accountid", "stagename"}, []string{"id", "account_id", "stage_name"}, nil},
		{"Connector", opp, []string{"id", "account_id", "synced_quote_id"}, []string{"id", "account_id", "synced_quote_id"}, nil},
		{"ReportLabels", opp, []string{"Opportunity ID", "Account ID", "Opportunity Name", "Close Date", "Amount", "Stage"}, []string{"id", "account_id", "name", "close_date", "amount", "stage_name"}, nil},
		{"CPQUpper", ql, []string{"ID", "SBQQ__QUOTE__C", "SBQQ__NETPRICE__C", "SBQQ__QUANTITY__C"}, []string{"id", "sbqq_quote_c", "sbqq_net_price_c", "sbqq_quantity_c"}, nil},
		{"APINameOverLabel", ql, []string{"Quantity", "SBQQ__Quantity__c"}, []string{"", "sbqq_quantity_c"}, []int{0}},
		{"NetSuiteInternalIDOverID", cust, []string{"ID", "Internal ID", "Company Name"}, []string{"entityid", "id", "companyname"}, nil},
		{"NetSuiteConnectorID", cust, []string{"id", "entityid"}, []string{"id", "entityid"}, nil},
		{"NetSuiteForeignAmountOverAmount", tx, []string{"Amount", "Amount (Foreign Currency)"}, []string{"", "foreigntotal"}, []int{0}},
		{"AliasOverLabel", tx, []string{"Date", "date"}, []string{"", "trandate"}, []int{0}},
		{"EarlierLabelWins", tx, []string{"Name", "Customer"}, []string{"entity", ""}, []int{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.o.Resolve(tt.o.Columns(), tt.header)
			if !slices.Equal(got.Keys, tt.want) {
				t.Errorf("got %q, want %q", got.Keys, tt.want)
			}
			var dropped []int
			for i := range tt.header {
				if why, ok := got.Dropped[i]; ok {
					dropped = append(dropped, i)
					if !strings.Contains(why, tt.header[i]) {
						t.Errorf("reason %q does not name column %q", why, tt.header[i])
					}
				}
			}
			if !slices.Equal(dropped, tt.dropped) {
				t.Errorf("dropped %v, want %v", dropped, tt.dropped)
			}
		})
	}
}

// TestSpellingsDistinct checks that two fields of one object share a
// spelling key only when the spellings differ as written, so exactness
// decides between them.
func TestSpellingsDistinct(t *testing.T) {
	for _, o := range Objects() {
		seen := map[string]string{} // key -> field
		written := map[string]string{}
		for _, f := range o.Columns() {
			keys := map[string]bool{}
			for _, s := range f.Spellings() {
				k := key(s)
				if keys[k] {
					continue
				}
				keys[k] = true
				if other, ok := seen[k]; ok && other != f.Name {
					if written[s] != "" {
						t.Errorf("%s: %q spells both %s and %s", o.ID(), s, other, f.Name)
					}
				}
				seen[k] = f.Name
				written[s] = f.Name
			}
		}
	}
}

// TestDateOrderSetting checks vendors.date_order is validated by name.
func TestDateOrderSetting(t *testing.T) {
	tests := []struct {
		name  string
		order map[string]string
		want  string
	}{
		{"OK", map[string]string{"netsuite": "mdy", "salesforce": "dmy"}, ""},
		{"UnknownOrder", map[string]string{"netsuite": "ymd"}, `vendors.date_order.netsuite: "ymd" is not a date order (mdy, dmy)`},
		{"UnknownVendor", map[string]string{"acme": "mdy"}, "vendors.date_order.acme: not a vendor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DefaultConfig()
			c.DateOrder = tt.order
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("got %v, want no error", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

// TestDeletionFlag checks that the connectors' deletion columns are known
// in every spelling a table heads them with, and nothing else is.
func TestDeletionFlag(t *testing.T) {
	for _, tc := range []struct {
		column       string
		ok, wantBool bool
	}{
		{"IsDeleted", true, true},           // Salesforce, as Airbyte keeps it
		{"is_deleted", true, true},          // Fivetran, Stripe through Airbyte
		{"ISDELETED", true, true},           // Data Loader
		{"_fivetran_deleted", true, true},   // Fivetran
		{"_sdc_deleted_at", true, false},    // Stitch
		{"_ab_cdc_deleted_at", true, false}, // Airbyte CDC
		{"deleted", false, false},           // Stripe's API field, not a connector's flag
		{"_airbyte_extracted_at", false, false},
	} {
		isBool, ok := DeletionFlag(tc.column)
		if ok != tc.ok || isBool != tc.wantBool {
			t.Errorf("DeletionFlag(%q) = %v, %v; want %v, %v", tc.column, isBool, ok, tc.wantBool, tc.ok)
		}
	}
}
