-- grain: one row per invoice; key: id
-- The invoices table as Airbyte writes it (see customers.csv.sql;
-- airbyte-integrations/connectors/source-stripe/manifest.yaml,
-- schemas.invoices): amounts in the minor unit (integers, a bigint);
-- due_date, period_start and period_end typed number in the schema, so a
-- DECIMAL(38,9) (1743465600.000000000); status_transitions and metadata
-- objects (jsonb). For a subscription invoice Stripe's own
-- period_start/period_end is the period before the one billed
-- (https://docs.stripe.com/api/invoices/object), written so here; the lines
-- carry the billed period. A disputed invoice has disputed: true in its
-- metadata (vendors.stripe_dispute_key).
SELECT
    abraw('in' || i.invoice_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    'in_' || lpad(CAST(idnum(i.invoice_id) AS VARCHAR), 10, '0') AS id,
    'invoice' AS object,
    'cus_' || lpad(CAST(idnum(i.account_id) AS VARCHAR), 8, '0') AS customer,
    'sub_' || lpad(CAST(idnum(i.contract_id) AS VARCHAR), 8, '0') AS subscription,
    i.status,
    'INV-' || lpad(CAST(idnum(i.invoice_id) AS VARCHAR), 6, '0') AS number,
    unix(i.issued_date) AS created,
    unix(i.issued_date) AS updated,
    pgnum(unix(i.due_date)) AS due_date,
    pgnum(unix(i.period_start - CAST(i.period_end - i.period_start + 1 AS INTEGER))) AS period_start,
    pgnum(unix(i.period_start)) AS period_end,
    minor(i.amount, i.currency) AS subtotal,
    minor(i.amount, i.currency) AS total,
    minor(i.amount, i.currency) AS amount_due,
    CASE WHEN i.status = 'paid' THEN minor(i.amount, i.currency) ELSE 0 END AS amount_paid,
    lower(i.currency) AS currency,
    to_json({'finalized_at': unix(i.issued_date), 'paid_at': unix(CAST(i.paid_date AS TIMESTAMP) + INTERVAL 10 HOUR),
        'marked_uncollectible_at': NULL::BIGINT, 'voided_at': NULL::BIGINT}) AS status_transitions,
    CASE WHEN i.is_disputed THEN to_json({'disputed': 'true'}) ELSE to_json(MAP {}) END AS metadata,
    pgbool(false) AS is_deleted
FROM invoices i
ORDER BY i.invoice_id
