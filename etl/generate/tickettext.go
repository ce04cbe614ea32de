package generate

// Ticket categories in contract order.
const (
	catBug = iota
	catQuestion
	catScopeQuestion
	catFeatureRequest
	catBilling
	catOutage
	catOther
)

var categoryNames = [...]string{"bug", "question", "scope_question", "feature_request", "billing", "outage", "other"}

// categoryShare is each category's share of a contract's tickets at an
// average ambiguity.
var categoryShare = [...]float64{0.30, 0.25, 0.10, 0.12, 0.08, 0.05, 0.10}

// escalationLogit is each category's log-odds of escalation at ambiguity 0.
var escalationLogit = [...]float64{-2.5, -3.4, -1.7, -3.0, -2.4, -1.8, -3.2}

// priorityWeights gives per category the weights of low, normal, high, urgent.
var priorityWeights = [...][]float64{
	{0.15, 0.50, 0.28, 0.07},
	{0.45, 0.50, 0.05, 0},
	{0.20, 0.55, 0.22, 0.03},
	{0.60, 0.38, 0.02, 0},
	{0.25, 0.55, 0.18, 0.02},
	{0, 0.05, 0.35, 0.60},
	{0.50, 0.45, 0.05, 0},
}

var priorityNames = [...]string{"low", "normal", "high", "urgent"}

// subject is a ticket subject and its tags.
type subject struct{ text, tags string }

// subjects are the ticket subjects per category.
var subjects = [...][]subject{
	catBug: {
		{"Dashboard export fails with timeout", "export;dashboard;performance"},
		{"CSV import drops rows with accented characters", "import;csv"},
		{"Filters reset after page reload", "dashboard;ui"},
		{"Scheduled report sent twice", "reports;email"},
		{"Chart totals differ from table totals", "dashboard;data-quality"},
		{"Login loop on Safari", "login;browser"},
		{"Webhook retries flood our endpoint", "api;webhooks"},
		{"Search returns archived records", "search"},
	},
	catQuestion: {
		{"How do I add a new workspace admin?", "admin;how-to"},
		{"Where can I change the report time zone?", "reports;how-to"},
		{"Can we rename custom fields?", "fields;how-to"},
		{"How are named users counted?", "licensing;how-to"},
		{"Best way to bulk-update permissions?", "permissions;how-to"},
		{"Is there a limit on dashboard widgets?", "dashboard;how-to"},
	},
	catScopeQuestion: {
		{"We assumed SSO was included in our plan", "sso;contract;sales-promise"},
		{"Is the data migration part of our contract?", "migration;contract"},
		{"Sales said custom reports were included", "reports;contract;sales-promise"},
		{"Were we promised a dedicated success manager?", "success;contract;sales-promise"},
		{"Our contract mentions ongoing support - what does it cover?", "support;contract"},
		{"Why is the sandbox not part of our subscription?", "sandbox;contract"},
		{"We thought onboarding sessions had no limit", "onboarding;contract;sales-promise"},
		{"Is the SAP connector covered by our agreement?", "integration;contract"},
	},
	catFeatureRequest: {
		{"Please add Excel export for pivot views", "export;feature"},
		{"Request: audit trail for permission changes", "audit;feature"},
		{"Support for custom fiscal calendars", "calendar;feature"},
		{"Dark mode for the dashboard", "ui;feature"},
		{"API endpoint for bulk user creation", "api;feature"},
	},
	catBilling: {
		{"Invoice amount does not match our quote", "invoice;pricing"},
		{"Please update the billing contact", "invoice;admin"},
		{"We were charged for inactive users", "invoice;licensing"},
		{"Need updated remittance details", "invoice;payments"},
		{"Question about proration on our expansion", "invoice;proration"},
	},
	catOutage: {
		{"Dashboard unavailable for all users", "outage;dashboard"},
		{"API returning 503 errors", "outage;api"},
		{"Reports not refreshing since this morning", "outage;reports"},
		{"Login service down in our region", "outage;login"},
	},
	catOther: {
		{"Request for SOC 2 report", "security;compliance"},
		{"Security questionnaire for renewal", "security;renewal"},
		{"Change of account owner", "admin"},
		{"Please close our duplicate workspace", "admin;workspace"},
	},
}

// disputeReasons are the reasons customers give for disputing an invoice.
var disputeReasons = []string{
	"we thought onboarding was included",
	"invoice does not match our PO",
	"duplicate charge",
	"charged for users we removed",
	"price differs from the signed quote",
	"services not delivered yet",
	"billed before the contract start date",
	"wrong billing entity",
}

// creditReasons are the reasons written on credit notes.
var creditReasons = []string{
	"goodwill credit for onboarding",
	"price corrected to the signed quote",
	"duplicate invoice reversed",
	"credit for removed users",
	"service credit under the SLA",
	"billing error corrected",
}

// discountReasons are the reasons written on discounted deals. The first
// few are chosen by rule (see pricing.go); the rest at random.
var discountReasons = []string{
	reasonEndOfQuarter:    "end-of-quarter close",
	reasonMultiYear:       "multi-year commitment",
	reasonRenewalHold:     "renewal at prior pricing",
	reasonCompetitive:     "competitive displacement",
	reasonBudget:          "budget constraints",
	reasonStrategicLogo:   "strategic logo",
	reasonVolume:          "volume commitment",
	reasonPilotConversion: "pilot conversion",
	reasonIncumbent:       "price match against incumbent",
}

const (
	reasonNone = iota - 1
	reasonEndOfQuarter
	reasonMultiYear
	reasonRenewalHold
	reasonCompetitive
	reasonBudget
	reasonStrategicLogo
	reasonVolume
	reasonPilotConversion
	reasonIncumbent
	reasonMatching // "matching DEAL-..." built from the cited deal
)
