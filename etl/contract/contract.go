// Package contract is Precedent's input data contract, written once: the
// entities a source may hold, their columns, types and rules. Validation in
// package etl and the document docs/data-contract.md are both generated from
// the table in this file, so the two cannot drift apart.
package contract

// Type is the logical type of a contract column.
type Type int

// The column types of the contract.
const (
	ID        Type = iota // text identifier, trimmed, case preserved
	Text                  // free text, kept as written (empty = null)
	Enum                  // one of Column.Values, matched case-insensitively, stored lower case
	Date                  // YYYY-MM-DD
	Timestamp             // ISO 8601; no zone = UTC; stored as UTC
	Money                 // decimal number in the currency's major unit, 2 places
	Price                 // decimal unit price, 4 places
	Quantity              // decimal quantity, 4 places
	Int                   // whole number
	Bool                  // true/false/1/0/yes/no
	Currency              // ISO 4217 code; empty means the base currency
	Rate                  // decimal exchange rate, 8 places
)

// SQLType is the DuckDB type a column of this type is stored as.
func (t Type) SQLType() string {
	switch t {
	case Date:
		return "DATE"
	case Timestamp:
		return "TIMESTAMP"
	case Money:
		return "DECIMAL(18,2)"
	case Price, Quantity:
		return "DECIMAL(18,4)"
	case Rate:
		return "DECIMAL(18,8)"
	case Int:
		return "INTEGER"
	case Bool:
		return "BOOLEAN"
	default:
		return "VARCHAR"
	}
}

// String names the type as the data contract document does.
func (t Type) String() string {
	return [...]string{"id", "text", "enum", "date", "timestamp", "money", "price", "quantity", "int", "bool", "currency", "rate"}[t]
}

// Column is one column of an entity.
type Column struct {
	Name     string
	Type     Type
	Required bool     // a null or empty value quarantines the row
	Values   []string // allowed values of an Enum
	Default  string   // SQL literal used when the value is null
	Min      string   // lower bound: ">= 0" or "> 0"
	Ref      string   // foreign key "entity.column"
	// RefIfLoaded checks Ref only when the referenced entity has any rows,
	// for optional entities such as reps.
	RefIfLoaded bool
	Doc         string
}

// Check is a rule across columns, evaluated on typed values. Fails is a SQL
// predicate over the entity's typed columns that is true for a failing row.
type Check struct {
	Column  string // the column the failure is reported against
	Fails   string
	Message string
}

// Entity is one kind of record a source delivers.
type Entity struct {
	Name     string
	Key      []string
	Required bool
	Doc      string
	Columns  []Column
	Checks   []Check
	// FX, when set, converts the entity's money and price columns to the
	// base currency at load (see fx.go).
	FX *FX
}

// Column returns the named column and whether it exists.
func (e *Entity) Column(name string) (Column, bool) {
	for _, c := range e.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// RequiredColumns lists the columns a file of this entity must carry.
func (e *Entity) RequiredColumns() []string {
	var out []string
	for _, c := range e.Columns {
		if c.Required {
			out = append(out, c.Name)
		}
	}
	return out
}

// Lookup returns the entity with the given name.
func Lookup(name string) (*Entity, bool) {
	for i := range Entities {
		if Entities[i].Name == name {
			return &Entities[i], true
		}
	}
	return nil, false
}

// Entities is the contract, in load order: every entity comes after the
// entities it references.
var Entities = []Entity{
	{
		Name: "accounts", Key: []string{"account_id"}, Required: true,
		Doc: "Customers and prospects: one row per company.",
		Columns: []Column{
			{Name: "account_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "account_name", Type: Text, Required: true},
			{Name: "segment", Type: Enum, Required: true, Values: []string{"enterprise", "mid_market", "smb"}},
			{Name: "region", Type: Text},
			{Name: "industry", Type: Text},
			{Name: "created_date", Type: Date},
		},
	},
	{
		Name: "reps", Key: []string{"rep_id"},
		Doc: "Sales representatives and their managers.",
		Columns: []Column{
			{Name: "rep_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "rep_name", Type: Text},
			{Name: "team", Type: Text},
			{Name: "manager_id", Type: ID, Ref: "reps.rep_id", Doc: "The rep's manager, also a rep."},
		},
	},
	{
		Name: "fx_rates", Key: []string{"currency", "date"},
		Doc: "Exchange rates to the base currency. A row in another currency converts with the rate of its currency dated on or before the row's date, the newest such; a row for which no such rate exists is quarantined.",
		Columns: []Column{
			{Name: "currency", Type: Currency, Required: true, Doc: "The currency the rate converts from."},
			{Name: "date", Type: Date, Required: true, Doc: "The first day the rate applies; it holds until the currency's next rate."},
			{Name: "rate_to_base", Type: Rate, Required: true, Min: "> 0", Doc: "Base-currency units per unit of the currency: amount in base = amount * rate_to_base."},
		},
	},
	{
		Name: "deals", Key: []string{"deal_id"}, Required: true,
		Doc: "Opportunities: new business, renewals and expansions, won, lost or open.",
		Columns: []Column{
			{Name: "deal_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "account_id", Type: ID, Required: true, Ref: "accounts.account_id"},
			{Name: "rep_id", Type: ID, Ref: "reps.rep_id", RefIfLoaded: true, Doc: "Checked against reps when reps are given."},
			{Name: "deal_type", Type: Enum, Required: true, Values: []string{"new", "renewal", "expansion"}},
			{Name: "stage", Type: Enum, Required: true, Values: []string{"won", "lost", "open"}},
			{Name: "created_date", Type: Date},
			{Name: "close_date", Type: Date, Doc: "Required unless the deal is open."},
			{Name: "list_amount", Type: Money, Required: true, Min: ">= 0", Doc: "Total at list price."},
			{Name: "net_amount", Type: Money, Required: true, Min: ">= 0", Doc: "Total after discounts."},
			{Name: "currency", Type: Currency},
			{Name: "term_months", Type: Int, Min: "> 0", Default: "12"},
			{Name: "approval_level", Type: Enum, Values: []string{"none", "manager", "director", "vp", "cfo"}, Default: "'none'"},
			{Name: "approved_at", Type: Timestamp},
			{Name: "discount_reason", Type: Text},
			{Name: "precedent_deal_id", Type: ID, Ref: "deals.deal_id", Doc: "A prior deal cited as the justification for this deal's discount."},
		},
		Checks: []Check{
			{Column: "close_date", Fails: "stage <> 'open' AND close_date IS NULL", Message: "required unless stage is open"},
			{Column: "precedent_deal_id", Fails: "precedent_deal_id = deal_id", Message: "a deal cannot cite itself as precedent"},
		},
		FX: &FX{Date: "coalesce(close_date, created_date, current_date)"},
	},
	{
		Name: "deal_lines", Key: []string{"line_id"},
		Doc: "Quote lines of a deal.",
		Columns: []Column{
			{Name: "line_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "deal_id", Type: ID, Required: true, Ref: "deals.deal_id"},
			{Name: "sku", Type: Text, Doc: "Empty for a custom, non-catalog line."},
			{Name: "description", Type: Text},
			{Name: "quantity", Type: Quantity, Required: true, Min: "> 0"},
			{Name: "list_unit_price", Type: Price, Required: true, Min: ">= 0"},
			{Name: "net_unit_price", Type: Price, Required: true, Min: ">= 0"},
		},
		FX: &FX{Parent: "deals.deal_id"},
	},
	{
		Name: "contracts", Key: []string{"contract_id"}, Required: true,
		Doc: "Signed agreements and their scope.",
		Columns: []Column{
			{Name: "contract_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "account_id", Type: ID, Required: true, Ref: "accounts.account_id"},
			{Name: "deal_id", Type: ID, Ref: "deals.deal_id", Doc: "The deal that produced the contract."},
			{Name: "start_date", Type: Date, Required: true},
			{Name: "end_date", Type: Date, Required: true, Doc: "Last day of the term; after start_date."},
			{Name: "arr", Type: Money, Required: true, Min: ">= 0", Doc: "Annual recurring revenue."},
			{Name: "currency", Type: Currency},
			{Name: "auto_renew", Type: Bool, Default: "false"},
			{Name: "renews_contract_id", Type: ID, Ref: "contracts.contract_id", Doc: "The contract this one renews."},
			{Name: "signed_date", Type: Date},
			{Name: "scope_text", Type: Text, Doc: "The scope or statement-of-work language as written."},
			{Name: "has_side_letter", Type: Bool, Default: "false"},
		},
		Checks: []Check{
			{Column: "end_date", Fails: "end_date <= start_date", Message: "must be after start_date"},
			{Column: "renews_contract_id", Fails: "renews_contract_id = contract_id", Message: "a contract cannot renew itself"},
		},
		FX: &FX{Date: "start_date"},
	},
	{
		Name: "contract_terms", Key: []string{"term_id"},
		Doc: "Individual terms of a contract, standard or negotiated.",
		Columns: []Column{
			{Name: "term_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "contract_id", Type: ID, Required: true, Ref: "contracts.contract_id"},
			{Name: "term_type", Type: Enum, Required: true, Values: []string{"payment", "liability", "sla", "price_cap", "mfn", "termination", "custom_deliverable", "other"}},
			{Name: "is_standard", Type: Bool, Required: true},
			{Name: "term_text", Type: Text},
		},
	},
	{
		Name: "invoices", Key: []string{"invoice_id"},
		Doc: "Invoices issued to accounts.",
		Columns: []Column{
			{Name: "invoice_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "account_id", Type: ID, Required: true, Ref: "accounts.account_id"},
			{Name: "contract_id", Type: ID, Ref: "contracts.contract_id"},
			{Name: "issued_date", Type: Date, Required: true},
			{Name: "due_date", Type: Date},
			{Name: "period_start", Type: Date},
			{Name: "period_end", Type: Date},
			{Name: "amount", Type: Money, Required: true, Min: ">= 0"},
			{Name: "currency", Type: Currency},
			{Name: "status", Type: Enum, Required: true, Values: []string{"open", "paid", "void", "uncollectible"}},
			{Name: "paid_date", Type: Date},
			{Name: "billing_config_id", Type: ID, Doc: "The billing template or configuration the invoice was produced from."},
			{Name: "is_disputed", Type: Bool, Default: "false"},
			{Name: "dispute_reason", Type: Text},
		},
		Checks: []Check{
			{Column: "due_date", Fails: "due_date < issued_date", Message: "must not be before issued_date"},
			{Column: "period_end", Fails: "period_end < period_start", Message: "must not be before period_start"},
		},
		FX: &FX{Date: "issued_date"},
	},
	{
		Name: "invoice_lines", Key: []string{"invoice_id", "line_no"},
		Doc: "Lines of an invoice.",
		Columns: []Column{
			{Name: "invoice_id", Type: ID, Required: true, Ref: "invoices.invoice_id"},
			{Name: "line_no", Type: Int, Required: true, Doc: "Primary key together with invoice_id."},
			{Name: "sku", Type: Text},
			{Name: "description", Type: Text},
			{Name: "quantity", Type: Quantity},
			{Name: "unit_price", Type: Price},
			{Name: "amount", Type: Money, Required: true},
		},
		FX: &FX{Parent: "invoices.invoice_id"},
	},
	{
		Name: "credit_notes", Key: []string{"credit_note_id"},
		Doc: "Credits issued against invoices.",
		Columns: []Column{
			{Name: "credit_note_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "invoice_id", Type: ID, Required: true, Ref: "invoices.invoice_id"},
			{Name: "issued_date", Type: Date, Required: true},
			{Name: "amount", Type: Money, Required: true, Min: "> 0"},
			{Name: "reason", Type: Text},
		},
		FX: &FX{Parent: "invoices.invoice_id", Date: "issued_date"},
	},
	{
		Name: "tickets", Key: []string{"ticket_id"},
		Doc: "Support tickets.",
		Columns: []Column{
			{Name: "ticket_id", Type: ID, Required: true, Doc: "Primary key."},
			{Name: "account_id", Type: ID, Required: true, Ref: "accounts.account_id"},
			{Name: "contract_id", Type: ID, Ref: "contracts.contract_id"},
			{Name: "created_at", Type: Timestamp, Required: true},
			{Name: "resolved_at", Type: Timestamp},
			{Name: "category", Type: Enum, Required: true, Values: []string{"bug", "question", "scope_question", "feature_request", "billing", "outage", "other"}},
			{Name: "priority", Type: Enum, Values: []string{"low", "normal", "high", "urgent"}},
			{Name: "is_escalated", Type: Bool, Default: "false"},
			{Name: "escalated_at", Type: Timestamp},
			{Name: "subject", Type: Text},
			{Name: "tags", Type: Text, Doc: "Semicolon-separated."},
		},
		Checks: []Check{
			{Column: "resolved_at", Fails: "resolved_at < created_at", Message: "must not be before created_at"},
		},
	},
}

// Formats lists the file formats a source may use, by file extension.
var Formats = []string{"csv", "parquet", "jsonl", "json"}
