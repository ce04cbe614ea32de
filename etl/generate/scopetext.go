package generate

// VaguePhrases is the lexicon of vague scope language the models match,
// case-insensitively, in contracts.scope_text. Clear sentences never contain
// any of these phrases.
var VaguePhrases = []string{
	"as needed", "as required", "including but not limited to", "reasonable efforts",
	"commercially reasonable", "best efforts", "mutually agreed", "to be determined", "tbd",
	"etc.", "and similar", "where applicable", "from time to time", "as appropriate", "bespoke",
	"unlimited", "any and all", "ongoing support", "white glove", "priority access",
	"future features", "roadmap",
}

// vagueSentences are scope sentences that each contain at least one phrase of
// VaguePhrases.
var vagueSentences = []string{
	"Vendor will provide ongoing support as needed during the rollout.",
	"Implementation services, including but not limited to data migration, configuration and training, are part of the engagement.",
	"Vendor will use commercially reasonable efforts to deliver custom reports as required.",
	"Additional integrations will be mutually agreed from time to time.",
	"Customer will receive priority access to future features on the product roadmap.",
	"The scope of the second phase is to be determined.",
	"Vendor will provide white glove onboarding and similar services where applicable.",
	"Customer may request bespoke dashboards, exports, etc.",
	"Use of the reporting module is unlimited.",
	"Vendor will make best efforts to support any and all data sources the customer uses.",
	"Training will be delivered as appropriate.",
	"Integration with the customer's ERP: TBD.",
	"Vendor will use reasonable efforts to accommodate change requests.",
	"The customer success team will be available as required for ongoing support.",
}

// clearSentences are plain scope sentences with no vague phrase. The first
// takes the hosting region.
var clearSentences = []string{
	"Production data is hosted in the %s region.",
	"Support is provided by email and chat from 08:00 to 18:00 on business days.",
	"Service availability is measured monthly against a 99.9% target.",
	"Either party may terminate for material breach with 30 days' written notice.",
	"Onboarding consists of three remote training sessions of two hours each.",
	"Customer data is deleted within 30 days of termination on written request.",
	"Named users may be reassigned once per calendar quarter.",
	"Reports can be scheduled daily, weekly or monthly.",
	"The customer appoints one administrator who manages user access.",
	"Backups are taken daily and kept for 35 days.",
}

// termTexts holds, per term type, the standard wording and the negotiated
// variants.
var termTexts = [...]struct {
	typ        string
	standard   string
	negotiated []string
}{
	{"payment", "Invoices are payable within 30 days of the invoice date.", []string{
		"Invoices are payable within 60 days of the invoice date; late fees are waived.",
		"Payment is due 90 days after the customer's finance team accepts the invoice.",
	}},
	{"liability", "Each party's liability is capped at the fees paid in the preceding 12 months.", []string{
		"Vendor's liability is capped at three times the annual fees; data breaches are uncapped.",
		"Vendor indemnifies the customer for third-party claims without a cap.",
	}},
	{"sla", "99.9% monthly availability; service credits of 5% per 0.1% shortfall, capped at 25% of monthly fees.", []string{
		"99.95% monthly availability with service credits up to 50% of monthly fees and a termination right after three misses.",
		"Severity 1 incidents receive a response within 15 minutes around the clock.",
	}},
	{"price_cap", "Renewal price increases are capped at 7% per year.", []string{
		"Renewal prices are held flat for the next two renewals.",
		"Renewal price increases are capped at the consumer price index.",
	}},
	{"mfn", "Pricing is confidential and carries no most-favoured-customer commitment.", []string{
		"Vendor warrants that no comparable customer pays a lower unit price; any lower price is extended to the customer.",
		"If list prices fall during the term, the customer's price falls by the same percentage.",
	}},
	{"termination", "Either party may terminate for material breach not cured within 30 days.", []string{
		"Customer may terminate for convenience with 60 days' notice and receive a pro-rata refund.",
		"Customer may terminate without penalty if the named executive sponsor leaves the vendor.",
	}},
	{"custom_deliverable", "No custom deliverables are part of this agreement.", []string{
		"Vendor will deliver a custom ERP integration by the end of the first quarter of the term.",
		"Vendor will build three custom dashboards to the customer's specification at no extra fee.",
		"Vendor will migrate the customer's historical data from the legacy system within 60 days.",
	}},
	{"other", "This agreement is governed by the laws of the State of Delaware.", []string{
		"Vendor provides a named executive sponsor and quarterly business reviews on site.",
		"Customer may publicise the partnership only with written approval; vendor pays for a joint case study.",
	}},
}

const (
	termPayment = iota
	termLiability
	termSLA
	termPriceCap
	termMFN
	termTermination
	termCustomDeliverable
	termOther
)
