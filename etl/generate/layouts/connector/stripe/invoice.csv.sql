-- grain: one row per invoice; key: id
-- The invoice table as Fivetran syncs it: amounts in the currency's minor
-- unit, currency in lower case, times as timestamps, status_transitions
-- flattened (status_transitions_paid_at). For a subscription invoice
-- Stripe's own period_start/period_end is the period before the one
-- billed (https://docs.stripe.com/api/invoices/object: "use the line item
-- period to get the service period"), written so here; the lines carry the
-- billed period. A disputed invoice has disputed: true in its metadata
-- (vendors.stripe_dispute_key).
SELECT
    'in_' || lpad(CAST(idnum(i.invoice_id) AS VARCHAR), 10, '0') AS id,
    'cus_' || lpad(CAST(idnum(i.account_id) AS VARCHAR), 8, '0') AS customer_id,
    'sub_' || lpad(CAST(idnum(i.contract_id) AS VARCHAR), 8, '0') AS subscription_id,
    i.status,
    'INV-' || lpad(CAST(idnum(i.invoice_id) AS VARCHAR), 6, '0') AS number,
    strftime(CAST(i.issued_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS created,
    strftime(CAST(i.due_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS due_date,
    strftime(CAST(i.period_start - CAST(i.period_end - i.period_start + 1 AS INTEGER) AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS period_start,
    strftime(CAST(i.period_start AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS period_end,
    minor(i.amount, i.currency) AS subtotal,
    minor(i.amount, i.currency) AS total,
    minor(i.amount, i.currency) AS amount_due,
    CASE WHEN i.status = 'paid' THEN minor(i.amount, i.currency) ELSE 0 END AS amount_paid,
    lower(i.currency) AS currency,
    strftime(CAST(i.paid_date AS TIMESTAMP) + INTERVAL 10 HOUR, '%Y-%m-%d %H:%M:%S') AS status_transitions_paid_at,
    CASE WHEN i.is_disputed THEN to_json({'disputed': 'true'}) ELSE to_json(MAP {}) END AS metadata,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM invoices i
ORDER BY i.invoice_id
