-- grain: one row per credit note; key: id
-- The credit_notes table as Airbyte writes it (see customers.csv.sql;
-- airbyte-integrations/connectors/source-stripe/manifest.yaml,
-- schemas.credit_notes): amount in the minor unit, Stripe's reason
-- (order_change here) and the company's words in memo. Stripe API
-- reference, the Credit Note object, https://docs.stripe.com/api/credit_notes/object
SELECT
    abraw('cn' || n.credit_note_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    'cn_' || lpad(CAST(idnum(n.credit_note_id) AS VARCHAR), 10, '0') AS id,
    'credit_note' AS object,
    'in_' || lpad(CAST(idnum(n.invoice_id) AS VARCHAR), 10, '0') AS invoice,
    minor(n.amount, i.currency) AS amount,
    lower(i.currency) AS currency,
    'order_change' AS reason,
    n.reason AS memo,
    'issued' AS status,
    unix(n.issued_date) AS created,
    unix(n.issued_date) AS updated
FROM credit_notes n
JOIN invoices i ON i.invoice_id = n.invoice_id
ORDER BY n.credit_note_id
