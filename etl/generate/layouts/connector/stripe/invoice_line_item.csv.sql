-- grain: one row per invoice line; key: id
-- The invoice_line_item table as Fivetran syncs it: amount in the minor
-- unit, the billed period (period_start, period_end: the service period,
-- https://docs.stripe.com/api/invoice-line-item/object) and the price the
-- customer was set up with. Every line of an invoice carries its billing
-- configuration's price (price_<configuration>), so the invoice's
-- configuration is its price (vendors.stripe_billing_config: price) and a
-- line's sku is that price.
SELECT
    'il_' || lpad(CAST(idnum(l.invoice_id) AS VARCHAR), 10, '0') || '_' || l.line_no AS id,
    'in_' || lpad(CAST(idnum(l.invoice_id) AS VARCHAR), 10, '0') AS invoice_id,
    minor(l.amount, i.currency) AS amount,
    lower(i.currency) AS currency,
    l.description,
    l.quantity,
    'price_' || lower(regexp_replace(coalesce(i.billing_config_id, 'none'), '[^A-Za-z0-9]', '', 'g')) AS price_id,
    strftime(CAST(i.period_start AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS period_start,
    strftime(CAST(i.period_end AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS period_end,
    'subscription' AS type,
    false AS proration,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM invoice_lines l
JOIN invoices i ON i.invoice_id = l.invoice_id
ORDER BY l.invoice_id, l.line_no
