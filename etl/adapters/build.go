package adapters

import (
	"context"
	"fmt"
	"strings"

	"github.com/precedent-dev/precedent/etl/contract"
	wh "github.com/precedent-dev/precedent/etl/warehouse"
)

// part is one source of an entity's rows: a SELECT with _file, _row,
// _primary (the row is its input row's own, not derived from it), and
// optionally _outcome ('quarantined' or 'skipped'), _field and _reason,
// plus any of the entity's columns by name. from is the object whose rows
// are its primary rows, read from the object's table: the part then also
// gives the keys of its records the vendor deleted (deleted.go).
type part struct {
	sql  string
	args []any
	from *Object
}

// Built is what Build handed to an entity.
type Built struct {
	Table       string // _row, _file, then the entity's columns as text; empty when there are no rows
	Rows        int64  // rows in Table
	Quarantined int64  // rows quarantined by the vendor step for this entity (in vendor_outcome)
	Files       int    // vendor files the rows in Table come from
	// Deleted is the table of the keys of the entity's records the vendor
	// marked deleted: _file, _row, then the key columns as text; empty
	// when none was.
	Deleted string
}

// Build makes the rows the vendor files give entity e, in temp table
// vin_<entity> shaped like a contract file's raw table, and records the
// outcome of every input row it decides. Call it for each entity in
// contract order, once the entities before it are merged into main.
func (s *Set) Build(ctx context.Context, e *contract.Entity) (Built, error) {
	var parts []part
	var err error
	switch e.Name {
	case "fx_rates":
		parts = s.fxRates()
	case "accounts":
		parts, err = s.accounts(ctx)
	case "reps":
		parts = []part{{sql: `SELECT _file, _row, true AS _primary, id AS rep_id, name AS rep_name, department AS team, manager_id FROM v_sf_user`, from: s.obj("salesforce/User")}}
	case "deals":
		parts, err = s.deals(ctx)
	case "deal_lines":
		parts = s.dealLines()
	case "contracts":
		parts, err = s.contracts(ctx)
	case "contract_terms":
		parts = []part{{sql: `SELECT _file, _row, false AS _primary, id || '-special' AS term_id, id AS contract_id, 'other' AS term_type,
  'false' AS is_standard, special_terms AS term_text FROM v_sf_contract_x WHERE special_terms IS NOT NULL AND _skip IS NULL`}}
	case "invoices":
		parts, err = s.invoices(ctx)
	case "invoice_lines":
		parts = s.invoiceLines()
	case "credit_notes":
		parts = s.creditNotes()
	case "tickets":
		parts, err = s.tickets(ctx)
	}
	if err != nil {
		return Built{}, fmt.Errorf("map %s: %w", e.Name, err)
	}
	b, err := s.assemble(ctx, e, parts)
	if err != nil {
		return b, err
	}
	b.Deleted, err = s.deletions(ctx, e, parts)
	return b, err
}

// assemble unions an entity's parts, records their rows' outcomes and
// leaves the rows to validate in vin_<entity>.
func (s *Set) assemble(ctx context.Context, e *contract.Entity, parts []part) (Built, error) {
	var b Built
	if len(parts) == 0 {
		return b, nil
	}
	// A typed empty table gives every column its type and name; each part
	// is inserted by name, with its own parameters.
	empty := []string{"NULL::INTEGER AS _file", "NULL::BIGINT AS _row", "NULL::BOOLEAN AS _primary", "NULL::VARCHAR AS _outcome", "NULL::VARCHAR AS _field", "NULL::VARCHAR AS _reason"}
	var cols, raw []string
	for _, c := range e.Columns {
		empty = append(empty, "NULL::VARCHAR AS "+wh.Ident(c.Name))
		cols = append(cols, wh.Ident(c.Name))
		raw = append(raw, wh.Literal(c.Name)+": "+wh.Ident(c.Name))
	}
	vb, vin := wh.Ident("vb_"+e.Name), wh.Ident("vin_"+e.Name)
	if err := s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+vb+" AS SELECT "+strings.Join(empty, ", ")+" WHERE false"); err != nil {
		return b, fmt.Errorf("map %s: %w", e.Name, err)
	}
	for _, p := range parts {
		if err := s.exec(ctx, "INSERT INTO "+vb+" BY NAME SELECT * FROM ("+p.sql+")", p.args...); err != nil {
			return b, fmt.Errorf("map %s: %w", e.Name, err)
		}
	}
	if err := s.applyCustom(ctx, e, vb); err != nil {
		return b, fmt.Errorf("map %s: %w", e.Name, err)
	}
	err := s.exec(ctx, `INSERT INTO vendor_outcome SELECT _file, _row, coalesce(_outcome, 'mapped'), ?, _field, _reason, to_json({`+strings.Join(raw, ", ")+`})::VARCHAR
FROM `+vb+` WHERE _primary`, e.Name)
	if err != nil {
		return b, fmt.Errorf("map %s: record outcomes: %w", e.Name, err)
	}
	if err := s.exec(ctx, "CREATE OR REPLACE TEMP TABLE "+vin+" AS SELECT _row, _file, "+strings.Join(cols, ", ")+" FROM "+vb+" WHERE _outcome IS NULL ORDER BY _file, _row"); err != nil {
		return b, fmt.Errorf("map %s: %w", e.Name, err)
	}
	err = s.conn.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM "+vin+"), (SELECT count(*) FROM vendor_outcome WHERE entity = ? AND outcome = 'quarantined'), (SELECT count(DISTINCT _file) FROM "+vin+")", e.Name).Scan(&b.Rows, &b.Quarantined, &b.Files)
	if err != nil {
		return b, fmt.Errorf("map %s: %w", e.Name, err)
	}
	b.Table = "vin_" + e.Name
	return b, s.exec(ctx, "DROP TABLE "+vb)
}

// outcome records the outcome of rows of an object that no entity takes:
// rows of q (with _file, _row, and optionally _field, _reason) get outcome.
func (s *Set) outcome(ctx context.Context, o *Object, outcome, q string, args ...any) error {
	err := s.exec(ctx, `INSERT INTO vendor_outcome SELECT _file, _row, ?, ?, _field, _reason, to_json(x)::VARCHAR FROM (`+q+`) x`,
		append([]any{outcome, o.Entity}, args...)...)
	if err != nil {
		return fmt.Errorf("%s %s outcomes: %w", o.Vendor, o.Name, err)
	}
	return nil
}

// fxRates are the exchange rates vendors export: Salesforce's dated rates,
// its static ones for currencies without dated rates, the rate of each
// Stripe balance transaction that settled an invoice in another currency,
// and the rate on each NetSuite transaction (one per currency and date). Salesforce writes
// units of the currency per corporate unit, so the rate to base is the
// inverse.
func (s *Set) fxRates() []part {
	return []part{
		{sql: `SELECT _file, _row, true AS _primary, iso_code AS currency, start_date AS date,
    coalesce(CAST(CAST(1 / nullif(v_num(conversion_rate), 0) AS DECIMAL(18,8)) AS VARCHAR), conversion_rate) AS rate_to_base
FROM v_sf_dated_rate`, from: s.obj("salesforce/DatedConversionRate")},
		{sql: `SELECT _file, _row, true AS _primary,
    CASE WHEN iso_code IN (SELECT iso_code FROM v_sf_dated_rate) THEN 'skipped' END AS _outcome, 'IsoCode' AS _field,
    'the currency has dated rates (DatedConversionRate), which win over its static rate' AS _reason,
    iso_code AS currency, '1900-01-01' AS date,
    coalesce(CAST(CAST(1 / nullif(v_num(conversion_rate), 0) AS DECIMAL(18,8)) AS VARCHAR), conversion_rate) AS rate_to_base
FROM v_sf_currency_type`, from: s.obj("salesforce/CurrencyType")},
		{sql: `WITH b AS (
    SELECT b._file, b._row, i.currency, b.created, b.exchange_rate,
        row_number() OVER (PARTITION BY i.currency, b.created ORDER BY b._file, b._row) AS nth
    FROM v_st_balance b
    LEFT JOIN (SELECT charge, any_value(currency) AS currency FROM v_st_invoice WHERE charge IS NOT NULL GROUP BY charge) i
        ON i.charge = b.source AND b.exchange_rate IS NOT NULL
)
SELECT _file, _row, true AS _primary, CASE WHEN currency IS NULL OR nth > 1 THEN 'skipped' END AS _outcome, 'exchange_rate' AS _field,
    CASE WHEN currency IS NULL THEN 'no exchange rate, or its charge paid no invoice of this source'
        ELSE 'an earlier balance transaction gives the rate of ' || currency || ' on ' || created END AS _reason,
    currency, created AS date, exchange_rate AS rate_to_base
FROM b`, from: s.obj("stripe/balance_transactions")},
		{sql: `SELECT DISTINCT ON (currency, trandate) _file, _row, false AS _primary, currency, trandate AS date, exchangerate AS rate_to_base
FROM v_ns_transaction WHERE exchangerate IS NOT NULL AND currency IS NOT NULL AND trandate IS NOT NULL
ORDER BY currency, trandate, _file, _row`},
	}
}

// segmentSQL derives a segment from employees, else annual revenue.
const segmentSQL = `CASE
    WHEN v_num(%[1]s) >= 1000 THEN 'enterprise' WHEN v_num(%[1]s) >= 100 THEN 'mid_market' WHEN v_num(%[1]s) >= 0 THEN 'smb'
    WHEN v_num(%[2]s) >= 500000000 THEN 'enterprise' WHEN v_num(%[2]s) >= 50000000 THEN 'mid_market' WHEN v_num(%[2]s) >= 0 THEN 'smb' END`

func (s *Set) accounts(ctx context.Context) ([]part, error) {
	// Identity records: resolved ones enrich, the others are quarantined.
	idents := []struct {
		o            *Object
		source, what string
		carried      string
	}{
		{s.obj("stripe/customers"), "stripe", "Stripe customer", "metadata " + s.cfg.StripeAccountKey},
		{s.obj("zendesk/organizations"), "zendesk", "Zendesk organization", "external_id"},
		{s.obj("netsuite/customer"), "netsuite", "NetSuite customer", "externalid"},
	}
	for _, id := range idents {
		q := `SELECT r._file, r._row, ? AS _field, 'no account for ` + id.what + ` ' || coalesce(r.id, '') || ': it has no ` + id.carried +
			` and account_xref.csv has no row (` + id.source + `, ' || coalesce(r.id, '') || ')' AS _reason, r.*
FROM ` + id.o.Table + ` r LEFT JOIN v_identity i ON i.source = ? AND i.source_id = r.id`
		if err := s.outcome(ctx, id.o, Enrichment, q+" WHERE i.account_id IS NOT NULL", s.header(id.o, "id"), id.source); err != nil {
			return nil, err
		}
		if err := s.outcome(ctx, id.o, Quarantined, q+" WHERE i.account_id IS NULL", s.header(id.o, "id"), id.source); err != nil {
			return nil, err
		}
	}
	xref := s.obj("precedent/account_xref")
	q := `SELECT _file, _row, ? AS _field, 'account_xref row without ' || CASE WHEN source IS NULL THEN 'source' WHEN source_id IS NULL THEN 'source_id' ELSE 'account_id' END AS _reason, x.*
FROM v_account_xref x`
	if err := s.outcome(ctx, xref, Enrichment, q+" WHERE source IS NOT NULL AND source_id IS NOT NULL AND account_id IS NOT NULL", "account_id"); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, xref, Quarantined, q+" WHERE source IS NULL OR source_id IS NULL OR account_id IS NULL", "account_id"); err != nil {
		return nil, err
	}
	return []part{
		{sql: `SELECT _file, _row, true AS _primary, id AS account_id, name AS account_name,
  coalesce(regexp_replace(segment_c, '[^a-z]+', '_', 'g'), ` + fmt.Sprintf(segmentSQL, "number_of_employees", "annual_revenue") + `) AS segment,
  billing_country AS region, industry, created_date FROM v_sf_account`, from: s.obj("salesforce/Account")},
		{sql: `SELECT _file, _row, true AS _primary, hs_object_id AS account_id, name AS account_name,
  ` + fmt.Sprintf(segmentSQL, "numberofemployees", "annualrevenue") + ` AS segment, country AS region, industry, createdate AS created_date FROM v_hs_company`, from: s.obj("hubspot/companies")},
	}, nil
}

// obj returns a known object by id.
func (s *Set) obj(id string) *Object {
	o, ok := Lookup(id)
	if !ok {
		panic("vendor: unknown object " + id)
	}
	return o
}
