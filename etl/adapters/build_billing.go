package adapters

import (
	"context"
	"fmt"
)

// nsTypeSQL names a NetSuite transaction's kind: invoice, credit or other.
const nsTypeSQL = `CASE regexp_replace(lower(coalesce(%[1]s, '')), '[^a-z]', '', 'g')
    WHEN 'custinvc' THEN 'invoice' WHEN 'invoice' THEN 'invoice' WHEN 'custcred' THEN 'credit' WHEN 'creditmemo' THEN 'credit' ELSE 'other' END`

// attributeSQL is the account's contract running on a date: the latest
// starting one (then the greatest id), from this and earlier loads.
const attributeSQL = `(SELECT c.contract_id FROM main.contracts c
    WHERE c.account_id = %[1]s AND try_cast(%[2]s AS DATE) BETWEEN c.start_date AND c.end_date
    ORDER BY c.start_date DESC, c.contract_id DESC LIMIT 1)`

// stripeRefSQL is the id of a Stripe reference (price, plan) written as an
// id, as a JSON string or as the expanded object.
const stripeRefSQL = `CASE WHEN NOT json_valid(%[1]s) THEN %[1]s
    WHEN json_type(%[1]s) = 'OBJECT' THEN json_extract_string(%[1]s, '$.id')
    WHEN json_type(%[1]s) = 'VARCHAR' THEN json_extract_string(%[1]s, '$') ELSE %[1]s END`

// stripeLinesSQL reads Stripe invoice lines, from the line items file and
// from the invoices' embedded lines (for invoices without lines in the
// file): invoice, period start and end dates, price id, plan id, in order.
const stripeLinesSQL = `SELECT _file, _row, invoice,
    coalesce(period_start, left(v_unix(v_clean(json_extract_string(period, '$.start'))), 10)) AS ps,
    coalesce(period_end, left(v_unix(v_clean(json_extract_string(period, '$.end'))), 10)) AS pe,
    coalesce(` + "%[1]s" + `, json_extract_string(pricing, '$.price_details.price')) AS price_id, ` + "%[2]s" + ` AS plan_id, 0 AS pos
FROM v_st_line
UNION ALL
SELECT _file, _row, invoice, left(v_unix(v_clean(json_extract_string(l, '$.period.start'))), 10), left(v_unix(v_clean(json_extract_string(l, '$.period.end'))), 10),
    coalesce(` + "%[3]s" + `, json_extract_string(l, '$.pricing.price_details.price')), ` + "%[4]s" + `, pos
FROM (
    SELECT _file, _row, id AS invoice, unnest(CAST(json_extract(lines, '$.data') AS JSON[])) AS l,
        generate_subscripts(CAST(json_extract(lines, '$.data') AS JSON[]), 1) AS pos
    FROM v_st_invoice
    WHERE json_valid(lines) AND json_type(lines, '$.data') = 'ARRAY' AND id NOT IN (SELECT invoice FROM v_st_line WHERE invoice IS NOT NULL)
)`

// stripeLines is stripeLinesSQL with its references read.
var stripeLines = fmt.Sprintf(stripeLinesSQL, fmt.Sprintf(stripeRefSQL, "price"), fmt.Sprintf(stripeRefSQL, "plan"),
	fmt.Sprintf(stripeRefSQL, "json_extract_string(l, '$.price')"), fmt.Sprintf(stripeRefSQL, "json_extract_string(l, '$.plan')"))

func (s *Set) invoices(ctx context.Context) ([]part, error) {
	sub := s.obj("stripe/subscriptions")
	q := `SELECT s._file, s._row, ? AS _field,
    'no account for Stripe customer ' || coalesce(s.customer, '') || ': it has no metadata ` + s.cfg.StripeAccountKey + ` and account_xref.csv has no row (stripe, ' || coalesce(s.customer, '') || ')' AS _reason, s.*
FROM v_st_subscription s LEFT JOIN v_identity i ON i.source = 'stripe' AND i.source_id = s.customer`
	if err := s.outcome(ctx, sub, Enrichment, q+" WHERE i.account_id IS NOT NULL", s.header(sub, "customer")); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, sub, Quarantined, q+" WHERE i.account_id IS NULL", s.header(sub, "customer")); err != nil {
		return nil, err
	}
	dis := s.obj("stripe/disputes")
	dq := `SELECT d._file, d._row, ? AS _field, 'dispute ' || coalesce(d.id, '') || ' names invoice ' || coalesce(d.invoice, '(empty)') || ', which is not in this source' AS _reason, d.*,
    list_contains(?::VARCHAR[], d.reason) AS b2b, d.invoice IN (SELECT id FROM v_st_invoice) AS known
FROM v_st_dispute d`
	args := []any{s.header(dis, "invoice"), s.cfg.DisputeReasons}
	if err := s.outcome(ctx, dis, Recorded, "SELECT * FROM ("+dq+") WHERE NOT coalesce(b2b, false)", args...); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, dis, Enrichment, "SELECT * FROM ("+dq+") WHERE b2b AND known", args...); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, dis, Quarantined, "SELECT * FROM ("+dq+") WHERE b2b AND NOT known", args...); err != nil {
		return nil, err
	}
	err := s.exec(ctx, `INSERT INTO vendor_record_rows SELECT _file, _row, 'stripe', 'disputes', id, status,
    to_json({reason: reason, charge: charge, invoice: invoice, note: 'card dispute: not a B2B invoice dispute'})::VARCHAR
FROM v_st_dispute WHERE NOT coalesce(list_contains(?::VARCHAR[], reason), false)`, s.cfg.DisputeReasons)
	if err != nil {
		return nil, fmt.Errorf("record disputes: %w", err)
	}
	if err := s.exec(ctx, `INSERT INTO vendor_record_ids SELECT DISTINCT 'stripe', 'disputes', id FROM v_st_dispute WHERE id IS NOT NULL`); err != nil {
		return nil, fmt.Errorf("record disputes: %w", err)
	}
	inv := s.obj("stripe/invoices")
	tx := s.obj("netsuite/transaction")
	return []part{
		{sql: `WITH stl AS (
    SELECT invoice, min(ps) AS ps, max(pe) AS pe,
        string_agg(DISTINCT CASE $5 WHEN 'price' THEN coalesce(price_id, plan_id) WHEN 'plan' THEN coalesce(plan_id, price_id) END, '+'
            ORDER BY CASE $5 WHEN 'price' THEN coalesce(price_id, plan_id) WHEN 'plan' THEN coalesce(plan_id, price_id) END) AS cfg
    FROM (` + stripeLines + `) GROUP BY invoice
), cn AS (
    SELECT invoice, string_agg(DISTINCT 'credit note: ' || reason, '; ') AS reason FROM v_st_credit_note
    WHERE list_contains($1::VARCHAR[], reason) AND status IS DISTINCT FROM 'void' GROUP BY invoice
), dp AS (
    SELECT invoice, string_agg(DISTINCT 'dispute: ' || reason, '; ') AS reason FROM v_st_dispute WHERE list_contains($2::VARCHAR[], reason) GROUP BY invoice
), inv AS (
    SELECT i.*, coalesce(v_anyid(i.md_account), idn.account_id) AS acct,
        CASE WHEN lower(i.md_dispute) NOT IN ('false', '0', 'no') THEN 'metadata ' || $3 END AS md_reason,
        cn.reason AS cn_reason, dp.reason AS dp_reason, v_anyid(sb.md_contract) AS sub_contract,
        stl.ps AS line_start, stl.pe AS line_end, stl.cfg
    FROM v_st_invoice i
    LEFT JOIN stl ON stl.invoice = i.id
    LEFT JOIN v_identity idn ON idn.source = 'stripe' AND idn.source_id = i.customer
    LEFT JOIN cn ON cn.invoice = i.id
    LEFT JOIN dp ON dp.invoice = i.id
    LEFT JOIN v_st_subscription sb ON sb.id = i.subscription
)
SELECT _file, _row, true AS _primary, CASE WHEN acct IS NULL THEN 'quarantined' END AS _outcome, $4 AS _field,
    'no account for Stripe customer ' || coalesce(customer, '') || ': neither the invoice nor the customer has metadata ` + s.cfg.StripeAccountKey + ` and account_xref.csv has no row (stripe, ' || coalesce(customer, '') || ')' AS _reason,
    id AS invoice_id, acct AS account_id,
    coalesce(v_anyid(md_contract), sub_contract, ` + fmt.Sprintf(attributeSQL, "acct", "created") + `) AS contract_id,
    created AS issued_date, due_date, coalesce(line_start, period_start) AS period_start, coalesce(line_end, period_end) AS period_end,
    total AS amount, currency, status,
    coalesce(status_transitions_paid_at, left(v_unix(v_clean(json_extract_string(status_transitions, '$.paid_at'))), 10)) AS paid_date,
    cfg AS billing_config_id,
    CASE WHEN coalesce(dp_reason, cn_reason, md_reason) IS NOT NULL THEN 'true' ELSE 'false' END AS is_disputed,
    nullif(concat_ws('; ', dp_reason, cn_reason, md_reason), '') AS dispute_reason
FROM inv`, args: []any{s.cfg.DisputeCreditReasons, s.cfg.DisputeReasons, s.cfg.StripeDisputeKey, s.header(inv, "customer"), s.cfg.StripeBillingConfig}, from: inv},
		{sql: `WITH t AS (
    SELECT t.*, ` + fmt.Sprintf(nsTypeSQL, "t.type") + ` AS kind, idn.account_id AS acct,
        regexp_replace(regexp_replace(lower(t.status), '^custinvc:', ''), '[^a-z]', '', 'g') AS st
    FROM v_ns_transaction t LEFT JOIN v_identity idn ON idn.source = 'netsuite' AND idn.source_id = t.entity
)
SELECT _file, _row, true AS _primary,
    CASE WHEN kind = 'other' OR acct IS NULL THEN 'quarantined' END AS _outcome,
    CASE WHEN kind = 'other' THEN ? ELSE ? END AS _field,
    CASE WHEN kind = 'other' THEN 'transaction type ' || coalesce(type, '(empty)') || ' is neither a customer invoice (CustInvc) nor a credit memo (CustCred)'
         ELSE 'no account for NetSuite customer ' || coalesce(entity, '') || ': it has no externalid and account_xref.csv has no row (netsuite, ' || coalesce(entity, '') || ')' END AS _reason,
    id AS invoice_id, acct AS account_id, ` + fmt.Sprintf(attributeSQL, "acct", "trandate") + ` AS contract_id,
    trandate AS issued_date, duedate AS due_date, startdate AS period_start, enddate AS period_end,
    coalesce(CAST(CAST(abs(v_num(foreigntotal)) AS DECIMAL(18,2)) AS VARCHAR), foreigntotal) AS amount, currency,
    CASE WHEN st IN ('open', 'a', 'pendingapproval', 'd') THEN 'open' WHEN st IN ('paidinfull', 'paid', 'b') THEN 'paid'
         WHEN st IN ('voided', 'void', 'v', 'e') THEN 'void' ELSE lower(status) END AS status,
    CASE WHEN st IN ('paidinfull', 'paid', 'b') OR status IS NULL THEN closedate END AS paid_date,
    CASE WHEN billingschedule IS NOT NULL THEN 'schedule:' || billingschedule WHEN customform IS NOT NULL THEN 'form:' || customform END AS billing_config_id
FROM t WHERE kind <> 'credit'`, args: []any{s.header(tx, "type"), s.header(tx, "entity")}, from: tx},
	}, nil
}

func (s *Set) invoiceLines() []part {
	return []part{
		{sql: `SELECT _file, _row, true AS _primary, invoice AS invoice_id,
    CAST(row_number() OVER (PARTITION BY invoice ORDER BY _file, _row) AS VARCHAR) AS line_no,
    coalesce(` + fmt.Sprintf(stripeRefSQL, "price") + `, json_extract_string(pricing, '$.price_details.price'), ` + fmt.Sprintf(stripeRefSQL, "plan") + `) AS sku,
    description, quantity,
    CASE WHEN v_num(quantity) <> 0 THEN CAST(CAST(v_num(amount) / v_num(quantity) AS DECIMAL(18,4)) AS VARCHAR) END AS unit_price, amount
FROM v_st_line`, from: s.obj("stripe/invoice_line_items")},
		{sql: `WITH l AS (
    SELECT l.*, ` + fmt.Sprintf(nsTypeSQL, "t.type") + ` AS kind, t.id IS NOT NULL AS known,
        v_true(l.mainline) OR v_true(l.taxline) AS summary
    FROM v_ns_line l LEFT JOIN (SELECT DISTINCT id, type FROM v_ns_transaction) t ON t.id = l.transaction
), sign AS (
    SELECT transaction, CASE WHEN sum(v_num(netamount)) < 0 THEN -1 ELSE 1 END AS s FROM l WHERE NOT summary GROUP BY transaction
)
SELECT l._file, l._row, true AS _primary,
    CASE WHEN l.summary OR (l.known AND l.kind <> 'invoice') THEN 'skipped' END AS _outcome, 'mainline' AS _field,
    CASE WHEN l.summary THEN 'main or tax line: the transaction''s own total, not an invoice line' ELSE 'line of a ' || l.kind || ' transaction, not of an invoice' END AS _reason,
    l.transaction AS invoice_id,
    coalesce(l.linesequencenumber, CAST(row_number() OVER (PARTITION BY l.transaction, l.summary ORDER BY l._file, l._row) AS VARCHAR)) AS line_no,
    l.item AS sku, l.memo AS description, CAST(abs(v_num(l.quantity)) AS VARCHAR) AS quantity, l.rate AS unit_price,
    coalesce(CAST(CAST(v_num(l.netamount) * sign.s AS DECIMAL(18,2)) AS VARCHAR), l.netamount) AS amount
FROM l LEFT JOIN sign ON sign.transaction = l.transaction`, from: s.obj("netsuite/transactionline")},
	}
}

func (s *Set) creditNotes() []part {
	tx := s.obj("netsuite/transaction")
	return []part{
		{sql: `SELECT _file, _row, true AS _primary, CASE WHEN status = 'void' THEN 'skipped' END AS _outcome, 'status' AS _field, 'void credit note' AS _reason,
    id AS credit_note_id, invoice AS invoice_id, created AS issued_date, amount, nullif(concat_ws(': ', reason, memo), '') AS reason
FROM v_st_credit_note`, from: s.obj("stripe/credit_notes")},
		{sql: `WITH inv AS (
    SELECT id, tranid FROM v_ns_transaction WHERE ` + fmt.Sprintf(nsTypeSQL, "type") + ` = 'invoice'
), cr AS (
    SELECT t.*, coalesce(i1.id, i2.id, t.appliedtotransaction) AS invoice_id
    FROM v_ns_transaction t
    LEFT JOIN inv i1 ON i1.id = t.appliedtotransaction
    LEFT JOIN inv i2 ON i1.id IS NULL AND i2.tranid = t.appliedtotransaction
    WHERE ` + fmt.Sprintf(nsTypeSQL, "t.type") + ` = 'credit'
    QUALIFY row_number() OVER (PARTITION BY t._file, t._row ORDER BY i2.id) = 1
)
SELECT _file, _row, true AS _primary, CASE WHEN appliedtotransaction IS NULL THEN 'quarantined' END AS _outcome, ? AS _field,
    'credit memo ' || coalesce(id, '') || ' is applied to no invoice' AS _reason,
    id AS credit_note_id, invoice_id, trandate AS issued_date,
    coalesce(CAST(CAST(abs(v_num(foreigntotal)) AS DECIMAL(18,2)) AS VARCHAR), foreigntotal) AS amount, memo AS reason
FROM cr`, args: []any{s.header(tx, "appliedtotransaction")}, from: tx},
	}
}
