-- grain: one row per deal line; key: id
-- CPQ quote lines (SBQQ__QuoteLine__c) as Fivetran syncs them: the table
-- and its columns in snake_case (sbqq_net_price_c).
SELECT
    sfid('a0l', l.line_id) AS id,
    sfid('a0q', l.deal_id) AS sbqq_quote_c,
    l.sku AS sbqq_product_code_c,
    l.description AS sbqq_description_c,
    l.quantity AS sbqq_quantity_c,
    l.list_unit_price AS sbqq_list_price_c,
    l.net_unit_price AS sbqq_net_price_c,
    d.term_months AS sbqq_subscription_term_c,
    d.deal_type = 'renewal' AS sbqq_renewal_c,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM deal_lines l
JOIN deals d ON d.deal_id = l.deal_id
ORDER BY l.line_id
