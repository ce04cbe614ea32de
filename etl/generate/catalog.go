package generate

// segment is an account's customer segment.
type segment uint8

const (
	enterprise segment = iota
	midMarket
	smb
)

var segmentNames = [...]string{"enterprise", "mid_market", "smb"}

func (s segment) String() string { return segmentNames[s] }

// Segment parameters. policyMax is the discount policy the models assume by
// default; an exception is a won deal discounted beyond it.
var (
	policyMax    = [...]float64{0.25, 0.20, 0.15}
	baseDiscount = [...]float64{0.14, 0.10, 0.06}
	discountSD   = 0.04
	ticketRate   = [...]float64{12, 8, 4} // tickets per contract-year
	newWinRate   = [...]float64{0.62, 0.70, 0.74}
	expandProb   = [...]float64{0.35, 0.25, 0.12} // expansion deals per contract-year
	autoRenew    = [...]float64{0.10, 0.40, 0.70}
	cycleDays    = [...][2]int{{60, 160}, {30, 95}, {10, 45}}
)

// product is one catalog item. price holds the annual list price per unit by
// segment (enterprise, mid_market, smb); zero means not sold to the segment.
type product struct {
	sku   string
	name  string
	unit  string // "user", "org", "pack", "env", "tb", "day"
	price [3]int64
	qty   [2]int // quantity range for an add-on line
}

// catalog is the vendor's price list. The first three are the editions; an
// account buys one edition per named user plus add-ons.
var catalog = []product{
	{sku: "CORE-STD", name: "Standard edition", unit: "user", price: [3]int64{0, 540, 480}},
	{sku: "CORE-PRO", name: "Professional edition", unit: "user", price: [3]int64{1020, 960, 900}},
	{sku: "CORE-ENT", name: "Enterprise edition", unit: "user", price: [3]int64{1500, 1440, 0}},
	{sku: "ADD-SSO", name: "SSO and SCIM provisioning", unit: "org", price: [3]int64{12000, 6000, 2400}, qty: [2]int{1, 1}},
	{sku: "ADD-API", name: "API access pack (1M calls per month)", unit: "pack", price: [3]int64{9000, 7200, 4800}, qty: [2]int{1, 5}},
	{sku: "ADD-SBX", name: "Sandbox environment", unit: "env", price: [3]int64{15000, 9000, 0}, qty: [2]int{1, 3}},
	{sku: "ADD-AUD", name: "Audit log retention (7 years)", unit: "org", price: [3]int64{8000, 6000, 0}, qty: [2]int{1, 1}},
	{sku: "SUP-PREM", name: "Premium support (24x7)", unit: "org", price: [3]int64{30000, 15000, 6000}, qty: [2]int{1, 1}},
	{sku: "ADD-STOR", name: "Additional storage (per TB)", unit: "tb", price: [3]int64{1200, 1200, 1200}, qty: [2]int{1, 20}},
	{sku: "SVC-TRN", name: "Training day", unit: "day", price: [3]int64{2400, 2400, 2400}, qty: [2]int{1, 8}},
}

// firstAddOn is the catalog index of the first add-on.
const firstAddOn = 3

// editionWeights gives, per segment, the weights of the three editions.
var editionWeights = [...][]float64{
	{0, 0.2, 0.8},
	{0.1, 0.8, 0.1},
	{0.7, 0.3, 0},
}

// seatRange is the range of named users of a new customer, per segment.
var seatRange = [...][2]float64{{50, 1000}, {15, 150}, {5, 60}}

// addOnRange is the number of add-on lines on a new deal, per segment.
var addOnRange = [...][2]int{{1, 4}, {0, 2}, {0, 1}}

// customTemplates are the descriptions of non-catalog quote lines; %s is
// filled with a system name.
var customTemplates = []string{
	"Custom integration with the customer's %s instance",
	"Data migration from %s",
	"Tailored reporting pack built on %s exports",
	"Dedicated connector to %s with nightly sync",
	"Professional services: workflow design around %s",
	"Custom SSO bridge for the customer's %s tenant",
}

// customSystems are the systems custom lines refer to.
var customSystems = []string{
	"SAP", "Salesforce", "Workday", "NetSuite", "Oracle EBS", "ServiceNow", "Dynamics 365",
	"Snowflake", "Jira", "Zendesk", "HubSpot", "Coupa",
}
