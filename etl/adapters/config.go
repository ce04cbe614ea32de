package adapters

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/etl/contract"
)

// Config holds the vendor settings of a run: which keys carry ids, what
// counts as an escalation or a dispute, how categories and approval steps
// map, and which files are which object when names and headers do not say.
type Config struct {
	// Files names the object of files by path (relative to the source,
	// slash separated) or glob: "exports/opps_*.csv": salesforce/Opportunity.
	Files map[string]string `yaml:"files,omitempty"`
	// TimeZones is the IANA zone of times written without an offset, per
	// vendor (a Salesforce report exports the user's local time); default UTC.
	TimeZones map[string]string `yaml:"time_zones,omitempty"`
	// DateOrder is how a vendor's exports write slash dates, per vendor:
	// mdy (11/3/2026 is 3 November) or dmy (11 March), as the exporting
	// account's date preference says. Unset, each file's values decide;
	// either way a file they do not decide, or that contradicts the
	// setting, is rejected.
	DateOrder map[string]string `yaml:"date_order,omitempty"`
	// StripeAccountKey is the Stripe metadata key holding the account id.
	StripeAccountKey string `yaml:"stripe_account_key"`
	// StripeContractKey is the Stripe metadata key (of invoices or
	// subscriptions) holding the contract id.
	StripeContractKey string `yaml:"stripe_contract_key"`
	// StripeDisputeKey is the Stripe invoice metadata key whose true value
	// (or any value but false/0/no) marks the invoice disputed.
	StripeDisputeKey string `yaml:"stripe_dispute_key"`
	// StripeBillingConfig says what of a Stripe invoice's lines is its
	// billing configuration (billing_config_id): price, plan or none.
	StripeBillingConfig string `yaml:"stripe_billing_config"`
	// DisputeCreditReasons are the credit note reasons that mark their invoice disputed.
	DisputeCreditReasons []string `yaml:"dispute_credit_reasons"`
	// DisputeReasons are the dispute record reasons that are B2B disputes;
	// any other reason is a card dispute and is only recorded.
	DisputeReasons []string `yaml:"dispute_reasons"`
	// EscalationTags and EscalationGroups mark a ticket escalated when added
	// or assigned (Zendesk).
	EscalationTags   []string `yaml:"escalation_tags"`
	EscalationGroups []string `yaml:"escalation_groups,omitempty"`
	// Categories maps a ticket tag, Zendesk type or HubSpot category (lower
	// case) to a contract ticket category. Tags win over fields.
	Categories map[string]string `yaml:"categories"`
	// ApprovalLevels maps an Advanced Approvals step to an approval level;
	// steps above the highest listed get the highest level.
	ApprovalLevels map[string]string `yaml:"approval_levels"`
	// CustomFields maps an export's own fields onto contract columns, per
	// object: "salesforce/Contract": {"auto_renew": "Auto_Renew__c"}. The
	// inner key is a column of the entity the object loads, or
	// entity.column of another entity its rows feed.
	CustomFields map[string]map[string]string `yaml:"fields,omitempty"`
}

// DefaultConfig is the configuration used where nothing is set.
func DefaultConfig() Config {
	return Config{
		StripeAccountKey:     "salesforce_account_id",
		StripeContractKey:    "salesforce_contract_id",
		StripeDisputeKey:     "disputed",
		StripeBillingConfig:  "price",
		DisputeCreditReasons: []string{"product_unsatisfactory"},
		DisputeReasons:       []string{"product_unacceptable", "product_not_received", "subscription_canceled", "credit_not_processed", "duplicate", "general"},
		EscalationTags:       []string{"escalated"},
		Categories: map[string]string{
			"bug": "bug", "question": "question", "scope_question": "scope_question", "feature_request": "feature_request",
			"billing": "billing", "outage": "outage",
			"problem": "bug", "incident": "bug", "task": "other",
			"product_issue": "bug", "billing_issue": "billing", "general_inquiry": "question",
		},
		ApprovalLevels: map[string]string{"1": "manager", "2": "director", "3": "vp", "4": "cfo"},
	}
}

// WithDefaults fills in what c leaves empty.
func (c Config) WithDefaults() Config {
	d := DefaultConfig()
	if c.StripeAccountKey == "" {
		c.StripeAccountKey = d.StripeAccountKey
	}
	if c.StripeContractKey == "" {
		c.StripeContractKey = d.StripeContractKey
	}
	if c.StripeDisputeKey == "" {
		c.StripeDisputeKey = d.StripeDisputeKey
	}
	if c.StripeBillingConfig == "" {
		c.StripeBillingConfig = d.StripeBillingConfig
	}
	if c.DisputeCreditReasons == nil {
		c.DisputeCreditReasons = d.DisputeCreditReasons
	}
	if c.DisputeReasons == nil {
		c.DisputeReasons = d.DisputeReasons
	}
	if c.EscalationTags == nil {
		c.EscalationTags = d.EscalationTags
	}
	if c.Categories == nil {
		c.Categories = d.Categories
	}
	if c.ApprovalLevels == nil {
		c.ApprovalLevels = d.ApprovalLevels
	}
	return c
}

// Validate checks the settings, naming the one that is wrong.
func (c Config) Validate() error {
	var errs []error
	for pattern, id := range c.Files {
		if _, err := path.Match(pattern, ""); err != nil {
			errs = append(errs, fmt.Errorf("vendors.files: %q is not a valid pattern", pattern))
		}
		if _, ok := Lookup(id); !ok {
			errs = append(errs, fmt.Errorf("vendors.files.%s: %q is no vendor object (vendor/Object, see docs/vendors.md)", pattern, id))
		}
	}
	for v, tz := range c.TimeZones {
		if !slices.Contains(Vendors, v) {
			errs = append(errs, fmt.Errorf("vendors.time_zones.%s: not a vendor (%s)", v, strings.Join(Vendors, ", ")))
		}
		if _, err := time.LoadLocation(tz); err != nil {
			errs = append(errs, fmt.Errorf("vendors.time_zones.%s: %q is not an IANA time zone", v, tz))
		}
	}
	if b := c.StripeBillingConfig; b != "" && !slices.Contains([]string{"price", "plan", "none"}, b) {
		errs = append(errs, fmt.Errorf("vendors.stripe_billing_config: %q is not price, plan or none", b))
	}
	for v, order := range c.DateOrder {
		if !slices.Contains(Vendors, v) {
			errs = append(errs, fmt.Errorf("vendors.date_order.%s: not a vendor (%s)", v, strings.Join(Vendors, ", ")))
		}
		if !slices.Contains(DateOrders, order) {
			errs = append(errs, fmt.Errorf("vendors.date_order.%s: %q is not a date order (%s)", v, order, strings.Join(DateOrders, ", ")))
		}
	}
	tickets, _ := contract.Lookup("tickets")
	cat, _ := tickets.Column("category")
	for k, v := range c.Categories {
		if !slices.Contains(cat.Values, v) {
			errs = append(errs, fmt.Errorf("vendors.categories.%s: %q is not a ticket category (%s)", k, v, strings.Join(cat.Values, ", ")))
		}
	}
	deals, _ := contract.Lookup("deals")
	lvl, _ := deals.Column("approval_level")
	for k, v := range c.ApprovalLevels {
		if !slices.Contains(lvl.Values, v) {
			errs = append(errs, fmt.Errorf("vendors.approval_levels.%s: %q is not an approval level (%s)", k, v, strings.Join(lvl.Values, ", ")))
		}
	}
	errs = append(errs, c.validateCustom()...)
	return errors.Join(errs...)
}

// zone is the time zone of a vendor's times without an offset.
func (c Config) zone(vendor string) string {
	if tz := c.TimeZones[vendor]; tz != "" {
		return tz
	}
	return "UTC"
}

// metadataKeys are the metadata keys read from Stripe objects.
func (c Config) metadataKeys() []string {
	return []string{c.StripeAccountKey, c.StripeContractKey, c.StripeDisputeKey}
}

// Fields lists the fields read from a file of object o: its own, the
// connector columns, for Stripe objects with metadata the flattened
// metadata columns of the configured keys, and the custom fields of
// vendors.fields.
func (c Config) Fields(o *Object) []Field {
	fields := c.baseFields(o)
	for _, cu := range c.customs(o) {
		if !cu.known && !slices.ContainsFunc(fields, func(f Field) bool { return f.Key() == cu.Key }) {
			fields = append(fields, Field{Name: cu.Name, Conv: cu.Conv, Maps: cu.Entity + "." + cu.Column, Note: "vendors.fields"})
		}
	}
	return fields
}

// baseFields are the fields of Fields without the custom ones.
func (c Config) baseFields(o *Object) []Field {
	fields := o.Columns()
	if _, ok := o.Field("metadata"); ok {
		for _, k := range c.metadataKeys() {
			fields = append(fields, Field{Name: "metadata." + k, Aliases: []string{k + " (metadata)", "metadata[" + k + "]"}, Conv: Text})
		}
	}
	return fields
}

// Match returns the key of the field of o that a header names.
func (c Config) Match(o *Object, header string) (string, bool) {
	return o.match(c.Fields(o), header)
}

// Resolve maps the columns of a file of object o onto its fields, one
// column per field (see Object.Resolve).
func (c Config) Resolve(o *Object, header []string) Resolution {
	return o.Resolve(c.Fields(o), header)
}
