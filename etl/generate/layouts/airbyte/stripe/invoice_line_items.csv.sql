-- grain: one row per invoice line; key: id
-- The invoice_line_items table as Airbyte writes it (see customers.csv.sql;
-- airbyte-integrations/connectors/source-stripe/manifest.yaml,
-- streams.invoice_line_items and schemas.invoice_line_items): the lines of
-- GET /v1/invoices/{id}/lines, with the invoice's id added as invoice_id
-- (the line object of the Stripe-Version the source sends, 2022-11-15, has
-- no invoice field) and its created/updated as invoice_created and
-- invoice_updated (the cursor); period an object {start, end} (the service
-- period, https://docs.stripe.com/api/invoice-line-item/object) and price
-- the expanded object, both jsonb. Every line of an invoice carries its
-- billing configuration's price (price_<configuration>), so the invoice's
-- configuration is its price (vendors.stripe_billing_config: price) and a
-- line's sku is that price.
SELECT
    abraw('il' || l.invoice_id || '_' || l.line_no) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    'il_' || lpad(CAST(idnum(l.invoice_id) AS VARCHAR), 10, '0') || '_' || l.line_no AS id,
    'line_item' AS object,
    'in_' || lpad(CAST(idnum(l.invoice_id) AS VARCHAR), 10, '0') AS invoice_id,
    minor(l.amount, i.currency) AS amount,
    lower(i.currency) AS currency,
    l.description,
    CASE WHEN l.quantity = round(l.quantity) THEN CAST(CAST(l.quantity AS BIGINT) AS VARCHAR) ELSE CAST(l.quantity AS VARCHAR) END AS quantity,
    to_json({'id': 'price_' || lower(regexp_replace(coalesce(i.billing_config_id, 'none'), '[^A-Za-z0-9]', '', 'g')),
        'object': 'price', 'currency': lower(i.currency), 'type': 'recurring'}) AS price,
    to_json({'start': unix(i.period_start), 'end': unix(i.period_end)}) AS period,
    'subscription' AS type,
    pgbool(false) AS proration,
    unix(i.issued_date) AS invoice_created,
    unix(i.issued_date) AS invoice_updated
FROM invoice_lines l
JOIN invoices i ON i.invoice_id = l.invoice_id
ORDER BY l.invoice_id, l.line_no
