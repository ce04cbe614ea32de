package adapters

import (
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/etl/contract"
)

func TestDetect(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Files = map[string]string{"exports/extract*.csv": "salesforce/Opportunity", "odd.csv": "zendesk/ticket_field_history"}
	opp := []string{"Id", "AccountId", "StageName", "Amount", "CloseDate"}
	tests := []struct {
		name, path string
		header     []string
		want, by   string
		missing    []string
	}{
		{"ByName", "Opportunity.csv", opp, "salesforce/Opportunity", "name", nil},
		{"ByNamePlural", "opportunities.jsonl", opp, "salesforce/Opportunity", "name", nil},
		{"ByNameVendorPrefix", "salesforce_opportunity.parquet", []string{"id", "account_id"}, "salesforce/Opportunity", "name", nil},
		{"ByNameVendorFolder", "stripe/invoices.csv", []string{"id", "customer", "status", "created", "total", "currency"}, "stripe/invoices", "name", nil},
		{"ByNameConnectorTable", "sbqq_quote_line_c.csv", []string{"id", "sbqq_quote_c", "sbqq_quantity_c", "sbqq_list_price_c"}, "salesforce/SBQQ__QuoteLine__c", "name", nil},
		{"ByNameHeaderDecides", "tickets.csv", []string{"id", "organization_id", "created_at", "status"}, "zendesk/tickets", "name", nil},
		{"ByNameHeaderDecidesHubSpot", "tickets.csv", []string{"hs_object_id", "associatedcompanyid", "createdate", "hs_ticket_category"}, "hubspot/tickets", "name", nil},
		{"ByNameCustomersNetSuite", "netsuite/customers.csv", []string{"Internal ID", "Company Name", "External ID"}, "netsuite/customer", "name", nil},
		{"ByNameMissingField", "Opportunity.csv", []string{"Id", "StageName"}, "salesforce/Opportunity", "name", []string{"AccountId"}},
		{"ByNameMissingOneOf", "sbaa__Approval__c.csv", []string{"Id", "sbaa__Status__c", "sbaa__ApprovalStep__c"}, "salesforce/sbaa__Approval__c", "name", []string{"sbaa__Opportunity__c or Quote__c"}},
		{"ByNameObjectFolder", "landing/crm_db/salesforce/opportunity/000017.parquet", []string{"id", "account_id", "_fivetran_synced"}, "salesforce/Opportunity", "name", nil},
		{"ByNameObjectFolderStripe", "landing/pg/stripe/invoice/000003.parquet", []string{"id", "customer_id", "status", "created", "total", "currency"}, "stripe/invoices", "name", nil},
		{"ByHeader", "extract_2026.csv", []string{"Id", "SBQQ__Quote__c", "SBQQ__Quantity__c", "SBQQ__ListPrice__c", "SBQQ__NetPrice__c"}, "salesforce/SBQQ__QuoteLine__c", "header", nil},
		{"ByHeaderEnvelope", "export.csv", []string{"envelopeId", "status", "sentDateTime", "completedDateTime"}, "docusign/envelopes", "header", nil},
		{"ByConfigGlob", "exports/extract1.csv", []string{"Id", "AccountId"}, "salesforce/Opportunity", "config", nil},
		{"ByConfigMissing", "odd.csv", []string{"ticket_id"}, "zendesk/ticket_field_history", "config", []string{"field_name", "updated"}},
		{"Unknown", "notes.csv", []string{"a", "b"}, "", "", nil},
		{"GenericHeaderIsNotEnough", "data.csv", []string{"id", "name", "status", "amount"}, "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok, err := cfg.Detect(tt.path, tt.header)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if ok {
					t.Fatalf("detected %s, want nothing", d.Object.ID())
				}
				return
			}
			if !ok {
				t.Fatalf("not detected, want %s", tt.want)
			}
			if d.Object.ID() != tt.want || d.By != tt.by || !slices.Equal(d.Missing, tt.missing) {
				t.Errorf("got %s by %s missing %v, want %s by %s missing %v", d.Object.ID(), d.By, d.Missing, tt.want, tt.by, tt.missing)
			}
		})
	}
	t.Run("Ambiguous", func(t *testing.T) {
		_, _, err := cfg.Detect("customers.csv", []string{"id"})
		if err == nil || !strings.Contains(err.Error(), "vendors.files") {
			t.Errorf("err = %v, want an ambiguity naming vendors.files", err)
		}
	})
}

// TestMappingTables checks the tables are consistent with themselves and
// with the data contract.
func TestMappingTables(t *testing.T) {
	tables := map[string]bool{}
	for _, o := range Objects() {
		if tables[o.Table] {
			t.Errorf("%s: table %s used twice", o.ID(), o.Table)
		}
		tables[o.Table] = true
		if _, ok := contract.Lookup(o.Entity); !ok {
			t.Errorf("%s: unknown entity %s", o.ID(), o.Entity)
		}
		if got, ok := Lookup(o.ID()); !ok || got != o {
			t.Errorf("Lookup(%s) does not find it", o.ID())
		}
		keys := map[string]bool{}
		required := 0
		for _, f := range o.Columns() {
			if keys[f.Key()] {
				t.Errorf("%s: field %s declared twice", o.ID(), f.Key())
			}
			keys[f.Key()] = true
			if f.Required {
				required++
			}
			if f.Maps == "" && f.Note == "" {
				t.Errorf("%s.%s: neither mapped nor explained", o.ID(), f.Name)
			}
			for _, m := range strings.Split(f.Maps, ", ") {
				if m == "" {
					continue
				}
				ent, col, _ := strings.Cut(m, ".")
				e, ok := contract.Lookup(ent)
				if !ok {
					t.Errorf("%s.%s maps to unknown entity %s", o.ID(), f.Name, m)
					continue
				}
				if _, ok := e.Column(col); !ok {
					t.Errorf("%s.%s maps to unknown column %s", o.ID(), f.Name, m)
				}
			}
		}
		if required == 0 {
			t.Errorf("%s: no required field", o.ID())
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("default config: %v", err)
	}
}
