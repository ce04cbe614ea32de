-- grain: one row per deal, and one per deleted opportunity; key: id
-- The opportunity table as Fivetran's Salesforce connector syncs it:
-- deleted records stay with is_deleted true (and _fivetran_deleted when
-- the connector saw them go): every 30th deal has a deleted duplicate here,
-- which must not load. discount_reason_c and precedent_opportunity_c are
-- custom fields, mapped in the layout's precedent.yaml.
WITH o AS (
    SELECT d.*, idnum(d.deal_id) AS n, 0 AS twin FROM deals d
    UNION ALL
    SELECT d.*, idnum(d.deal_id), 1 FROM deals d WHERE idnum(d.deal_id) % 30 = 0
)
SELECT
    CASE twin WHEN 0 THEN sfid('006', deal_id) ELSE '006' || lpad(CAST(900000000 + n AS VARCHAR), 12, '0') || 'AAA' END AS id,
    sfid('001', account_id) AS account_id,
    sfid('005', rep_id) AS owner_id,
    CASE deal_type WHEN 'new' THEN 'New Business' WHEN 'renewal' THEN 'Renewal' ELSE 'Upsell' END AS type,
    CASE stage WHEN 'won' THEN 'Closed Won' WHEN 'lost' THEN 'Closed Lost' ELSE 'Negotiation/Review' END AS stage_name,
    stage = 'won' AS is_won,
    stage <> 'open' AS is_closed,
    strftime(CAST(created_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS created_date,
    close_date,
    net_amount AS amount,
    currency AS currency_iso_code,
    sfid('a0q', deal_id) AS synced_quote_id,
    discount_reason AS discount_reason_c,
    sfid('006', precedent_deal_id) AS precedent_opportunity_c,
    twin = 1 AS is_deleted,
    twin = 1 AS _fivetran_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM o
ORDER BY n, twin
