package adapters

import (
	"context"
	"fmt"
)

// oppQuoteSQL links quotes to opportunities: the synced quote, else CPQ's primary quote.
const oppQuoteSQL = `SELECT id AS deal_id, account_id, coalesce(synced_quote_id, sbqq_primary_quote_c) AS quote_id FROM v_sf_opportunity`

// quoteLineSQL reads CPQ quote lines with their deal and net unit price.
const quoteLineSQL = `SELECT q.*, oq.deal_id,
    coalesce(q.sbqq_net_price_c, q.sbqq_customer_price_c,
        CAST(CAST(v_num(q.sbqq_regular_price_c) * (1 - coalesce(v_num(q.sbqq_discount_c), 0) / 100) - coalesce(v_num(q.sbqq_additional_discount_amount_c), 0) AS DECIMAL(18,4)) AS VARCHAR),
        q.sbqq_list_price_c) AS net_price
FROM v_sf_quote_line q LEFT JOIN (` + oppQuoteSQL + `) oq ON oq.quote_id = q.sbqq_quote_c`

// oliSQL reads opportunity products with their net unit price.
const oliSQL = `SELECT l.*,
    CASE WHEN v_num(l.total_price) IS NOT NULL AND v_num(l.quantity) <> 0 THEN CAST(CAST(v_num(l.total_price) / v_num(l.quantity) AS DECIMAL(18,4)) AS VARCHAR)
         WHEN l.discount IS NOT NULL THEN CAST(CAST(v_num(l.unit_price) * (1 - v_num(l.discount) / 100) AS DECIMAL(18,4)) AS VARCHAR)
         ELSE l.unit_price END AS net_price,
    l.opportunity_id IN (SELECT deal_id FROM (` + quoteLineSQL + `) WHERE deal_id IS NOT NULL) AS superseded
FROM v_sf_opportunity_line_item l`

// hsLineSQL reads HubSpot line items with their net unit price.
const hsLineSQL = `SELECT l.*,
    CASE WHEN v_num(l.amount) IS NOT NULL AND v_num(l.quantity) <> 0 THEN CAST(CAST(v_num(l.amount) / v_num(l.quantity) AS DECIMAL(18,4)) AS VARCHAR)
         WHEN l.hs_discount_percentage IS NOT NULL THEN CAST(CAST(v_num(l.price) * (1 - v_num(l.hs_discount_percentage) / 100) AS DECIMAL(18,4)) AS VARCHAR)
         ELSE l.price END AS net_price
FROM v_hs_line_item l`

func (s *Set) deals(ctx context.Context) ([]part, error) {
	// Approvals: the highest approved step per deal.
	err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE v_sf_appr AS
WITH a AS (
    SELECT a.*, coalesce(a.sbaa_opportunity_c, oq.deal_id) AS deal_id, lower(a.sbaa_approval_step_c) AS step,
        try_cast(a.sbaa_approval_step_c AS DOUBLE) AS step_num
    FROM v_sf_approval a LEFT JOIN (`+oppQuoteSQL+`) oq ON a.sbaa_opportunity_c IS NULL AND oq.quote_id = a.quote_c
)
SELECT a.*, a.deal_id IN (SELECT id FROM v_sf_opportunity) AS known,
    coalesce(l1.level, l2.level, CASE WHEN a.step_num > (SELECT max(try_cast(step AS DOUBLE)) FROM vendor_levels)
        THEN (SELECT arg_max(level, rank) FROM vendor_levels) END) AS level,
    coalesce(l1.rank, l2.rank, CASE WHEN a.step_num > (SELECT max(try_cast(step AS DOUBLE)) FROM vendor_levels) THEN (SELECT max(rank) FROM vendor_levels) END) AS rank
FROM a
LEFT JOIN vendor_levels l1 ON l1.step = a.step
LEFT JOIN vendor_levels l2 ON a.step_num = round(a.step_num) AND l2.step = CAST(CAST(a.step_num AS BIGINT) AS VARCHAR)`)
	if err != nil {
		return nil, fmt.Errorf("approvals: %w", err)
	}
	appr := s.obj("salesforce/sbaa__Approval__c")
	link := s.header(appr, "sbaa_opportunity_c")
	if err := s.outcome(ctx, appr, Quarantined, `SELECT _file, _row, ? AS _field,
    'approval matches no Opportunity of this source (by sbaa__Opportunity__c, or Quote__c through SyncedQuoteId)' AS _reason, * EXCLUDE (_file, _row)
FROM v_sf_appr WHERE NOT coalesce(known, false)`, link); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, appr, Quarantined, `SELECT _file, _row, ? AS _field,
    'approved step ' || coalesce(sbaa_approval_step_c, '(empty)') || ' has no approval level in vendors.approval_levels' AS _reason, * EXCLUDE (_file, _row)
FROM v_sf_appr WHERE known AND sbaa_status_c = 'approved' AND level IS NULL`, s.header(appr, "sbaa_approval_step_c")); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, appr, Enrichment, `SELECT _file, _row, NULL AS _field, NULL AS _reason, * EXCLUDE (_file, _row)
FROM v_sf_appr WHERE known AND NOT (sbaa_status_c = 'approved' AND level IS NULL)`); err != nil {
		return nil, err
	}
	return []part{{sql: `WITH ql AS (
    SELECT deal_id, sum(v_num(sbqq_quantity_c) * v_num(sbqq_list_price_c)) AS list_amount, sum(v_num(sbqq_quantity_c) * v_num(net_price)) AS net_amount,
        max(v_num(sbqq_subscription_term_c)) AS term, bool_or(v_true(sbqq_renewal_c)) AS renewal
    FROM (` + quoteLineSQL + `) WHERE deal_id IS NOT NULL GROUP BY deal_id
), oli AS (
    SELECT opportunity_id AS deal_id, sum(v_num(quantity) * v_num(coalesce(list_price, unit_price))) AS list_amount, sum(v_num(quantity) * v_num(net_price)) AS net_amount
    FROM (` + oliSQL + `) WHERE NOT superseded GROUP BY opportunity_id
), appr AS (
    SELECT deal_id, arg_max(level, (rank, last_modified_date)) AS level, arg_max(last_modified_date, (rank, last_modified_date)) AS approved_at
    FROM v_sf_appr WHERE sbaa_status_c = 'approved' AND level IS NOT NULL GROUP BY deal_id
)
SELECT o._file, o._row, true AS _primary, o.id AS deal_id, o.account_id, o.owner_id AS rep_id,
    CASE WHEN o.type LIKE '%renewal%' THEN 'renewal'
         WHEN regexp_matches(o.type, 'upgrade|upsell|up-sell|expansion|add-on|add on|cross-sell') THEN 'expansion'
         WHEN o.type LIKE '%new%' THEN 'new'
         WHEN o.type IS NULL THEN CASE WHEN ql.renewal THEN 'renewal' ELSE 'new' END
         ELSE o.type END AS deal_type,
    CASE WHEN o.is_won = 'true' THEN 'won' WHEN o.is_closed = 'true' THEN 'lost' WHEN o.is_closed = 'false' THEN 'open'
         WHEN o.stage_name LIKE 'closed won%' OR o.stage_name = 'won' THEN 'won'
         WHEN o.stage_name LIKE 'closed lost%' OR o.stage_name = 'lost' THEN 'lost'
         WHEN o.stage_name IS NOT NULL OR o.is_won = 'false' THEN 'open' END AS stage,
    o.created_date, o.close_date,
    coalesce(CAST(CAST(ql.list_amount AS DECIMAL(18,2)) AS VARCHAR), CAST(CAST(oli.list_amount AS DECIMAL(18,2)) AS VARCHAR), o.amount) AS list_amount,
    coalesce(o.amount, CAST(CAST(ql.net_amount AS DECIMAL(18,2)) AS VARCHAR), CAST(CAST(oli.net_amount AS DECIMAL(18,2)) AS VARCHAR)) AS net_amount,
    o.currency_iso_code AS currency,
    CAST(CAST(round(ql.term) AS BIGINT) AS VARCHAR) AS term_months,
    appr.level AS approval_level, appr.approved_at
FROM v_sf_opportunity o
LEFT JOIN ql ON ql.deal_id = o.id
LEFT JOIN oli ON oli.deal_id = o.id
LEFT JOIN appr ON appr.deal_id = o.id`, from: s.obj("salesforce/Opportunity")},
		{sql: `WITH hl AS (
    SELECT deal_id, sum(v_num(quantity) * v_num(price)) AS list_amount FROM (` + hsLineSQL + `) GROUP BY deal_id
)
SELECT d._file, d._row, true AS _primary, d.deal_id, regexp_extract(d.associatedcompanyid, '[^;,\[\]" ]+') AS account_id, d.owner AS rep_id,
    CASE regexp_replace(d.dealtype, '[^a-z]', '', 'g') WHEN 'newbusiness' THEN 'new' WHEN 'new' THEN 'new' WHEN 'renewal' THEN 'renewal'
        WHEN 'existingbusiness' THEN 'expansion' WHEN 'expansion' THEN 'expansion' WHEN 'upsell' THEN 'expansion' ELSE coalesce(d.dealtype, 'new') END AS deal_type,
    CASE regexp_replace(d.dealstage, '[^a-z]', '', 'g') WHEN 'closedwon' THEN 'won' WHEN 'closedlost' THEN 'lost' ELSE CASE WHEN d.dealstage IS NOT NULL THEN 'open' END END AS stage,
    d.createdate AS created_date, d.closedate AS close_date,
    coalesce(CAST(CAST(hl.list_amount AS DECIMAL(18,2)) AS VARCHAR), d.amount) AS list_amount, d.amount AS net_amount, d.deal_currency_code AS currency
FROM v_hs_deal d LEFT JOIN hl ON hl.deal_id = d.deal_id`, from: s.obj("hubspot/deals")},
	}, nil
}

func (s *Set) dealLines() []part {
	ql := s.obj("salesforce/SBQQ__QuoteLine__c")
	oli := s.obj("salesforce/OpportunityLineItem")
	return []part{
		{sql: `SELECT _file, _row, true AS _primary,
    CASE WHEN deal_id IS NULL THEN 'quarantined' END AS _outcome, ? AS _field,
    'quote ' || coalesce(sbqq_quote_c, '(empty)') || ' is no Opportunity''s SyncedQuoteId or SBQQ__PrimaryQuote__c in this source' AS _reason,
    id AS line_id, deal_id, sbqq_product_code_c AS sku, sbqq_description_c AS description, sbqq_quantity_c AS quantity,
    sbqq_list_price_c AS list_unit_price, net_price AS net_unit_price
FROM (` + quoteLineSQL + `)`, args: []any{s.header(ql, "sbqq_quote_c")}, from: ql},
		{sql: `SELECT _file, _row, true AS _primary, CASE WHEN superseded THEN 'skipped' END AS _outcome, ? AS _field,
    'superseded by the CPQ quote lines of the opportunity''s synced quote' AS _reason,
    id AS line_id, opportunity_id AS deal_id, product_code AS sku, name AS description, quantity,
    coalesce(list_price, unit_price) AS list_unit_price, net_price AS net_unit_price
FROM (` + oliSQL + `)`, args: []any{s.header(oli, "opportunity_id")}, from: oli},
		{sql: `SELECT _file, _row, true AS _primary, hs_object_id AS line_id, deal_id, hs_sku AS sku, name AS description, quantity,
    price AS list_unit_price, net_price AS net_unit_price FROM (` + hsLineSQL + `)`, from: s.obj("hubspot/line_items")},
	}
}

func (s *Set) contracts(ctx context.Context) ([]part, error) {
	// Completed envelopes find their contract by opportunity, else by
	// account and the start date nearest the completion (within 90 days).
	err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE v_env_match AS
WITH done AS (
    SELECT e.*, coalesce(e.account_id, o.account_id) AS acct, try_cast(left(e.completed_at, 10) AS DATE) AS done_date
    FROM v_envelope e LEFT JOIN v_sf_opportunity o ON o.id = e.opportunity_id WHERE e.status = 'completed'
), byopp AS (
    SELECT d._file, d._row, c.id AS contract_id FROM done d JOIN v_sf_contract c ON c.sbqq_opportunity_c = d.opportunity_id
), byacct AS (
    SELECT d._file, d._row, c.id AS contract_id FROM done d
    JOIN v_sf_contract c ON c.account_id = d.acct AND (c.sbqq_opportunity_c IS NULL OR d.opportunity_id IS NULL)
        AND abs(date_diff('day', d.done_date, try_cast(c.start_date AS DATE))) <= 90
    WHERE NOT EXISTS (SELECT 1 FROM byopp b WHERE b._file = d._file AND b._row = d._row)
    QUALIFY row_number() OVER (PARTITION BY d._file, d._row ORDER BY abs(date_diff('day', d.done_date, try_cast(c.start_date AS DATE))), c.id) = 1
)
SELECT d.*, m.contract_id FROM done d LEFT JOIN (SELECT * FROM byopp UNION ALL SELECT * FROM byacct) m ON m._file = d._file AND m._row = d._row`)
	if err != nil {
		return nil, fmt.Errorf("envelopes: %w", err)
	}
	env := s.obj("docusign/envelopes")
	if err := s.outcome(ctx, env, Quarantined, `SELECT DISTINCT _file, _row, CASE WHEN object = 'envelopes' THEN ? ELSE 'dsfs__Opportunity__c' END AS _field,
    'completed envelope ' || coalesce(envelope_id, '') || ' matches no contract of its opportunity or account in this source' AS _reason,
    envelope_id, status, completed_at, opportunity_id, account_id
FROM v_env_match WHERE contract_id IS NULL`, s.header(env, "sf_opportunity")); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, env, Enrichment, `SELECT DISTINCT _file, _row, NULL AS _field, NULL AS _reason, envelope_id, status, completed_at, opportunity_id, contract_id
FROM v_env_match WHERE contract_id IS NOT NULL`); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, env, Recorded, `SELECT _file, _row, NULL AS _field, NULL AS _reason, envelope_id, status FROM v_envelope WHERE status IS DISTINCT FROM 'completed'`); err != nil {
		return nil, err
	}
	if err := s.exec(ctx, `INSERT INTO vendor_record_rows SELECT _file, _row, 'docusign', object, envelope_id, status,
    to_json({sent_at: sent_at, completed_at: completed_at, subject: subject, opportunity_id: opportunity_id, account_id: account_id})::VARCHAR
FROM v_envelope WHERE status IS DISTINCT FROM 'completed'`); err != nil {
		return nil, fmt.Errorf("record envelopes: %w", err)
	}
	// Every envelope read, recorded or not, replaces what earlier runs
	// recorded of it: a sent envelope since completed is no longer sent.
	if err := s.exec(ctx, `INSERT INTO vendor_record_ids SELECT DISTINCT 'docusign', object, envelope_id FROM v_envelope WHERE envelope_id IS NOT NULL`); err != nil {
		return nil, fmt.Errorf("record envelopes: %w", err)
	}
	if err := s.exec(ctx, `CREATE OR REPLACE TEMP TABLE v_sf_contract_x AS `+contractSQL); err != nil {
		return nil, fmt.Errorf("contracts: %w", err)
	}
	// The contract's own part reads v_sf_contract, not v_sf_contract_x,
	// so that it also gives the keys of deleted contracts.
	return []part{{sql: `SELECT c._file, c._row, true AS _primary, CASE WHEN c._skip IS NOT NULL THEN 'skipped' END AS _outcome, 'Status' AS _field, c._skip AS _reason,
    c.id AS contract_id, c.account_id, c.deal_id, c.start_date,
    coalesce(c.end_date, strftime(try_cast(c.start_date AS DATE) + to_months(CAST(v_num(c.contract_term) AS INTEGER)) - INTERVAL 1 DAY, '%Y-%m-%d')) AS end_date,
    coalesce(c.arr_c, CAST(CAST(v_num(o.amount) * 12 / coalesce(nullif(v_num(c.contract_term), 0), 12) AS DECIMAL(18,2)) AS VARCHAR)) AS arr,
    c.currency_iso_code AS currency, p.id AS renews_contract_id, c.signed_date, c.description AS scope_text
FROM (` + contractSQL + `) c
LEFT JOIN v_sf_opportunity o ON o.id = c.deal_id
LEFT JOIN v_sf_contract p ON p.sbqq_renewal_opportunity_c = c.deal_id AND p.id <> c.id
QUALIFY row_number() OVER (PARTITION BY c._file, c._row ORDER BY p.id) = 1`, from: s.obj("salesforce/Contract")}}, nil
}

// contractSQL reads Salesforce contracts with their deal and signed date,
// from the contract or its completed envelope, and why a draft is skipped.
const contractSQL = `WITH signed AS (
    SELECT contract_id, min(done_date) AS signed_date, arg_min(opportunity_id, done_date) AS deal_id FROM v_env_match WHERE contract_id IS NOT NULL GROUP BY contract_id
)
SELECT c.*, coalesce(c.sbqq_opportunity_c, g.deal_id) AS deal_id, coalesce(c.customer_signed_date, strftime(g.signed_date, '%Y-%m-%d')) AS signed_date,
    CASE WHEN c.status IN ('draft', 'in approval process') AND c.customer_signed_date IS NULL AND g.contract_id IS NULL
        THEN 'contract status ' || c.status || ': not a signed agreement' END AS _skip
FROM v_sf_contract c LEFT JOIN signed g ON g.contract_id = c.id`
