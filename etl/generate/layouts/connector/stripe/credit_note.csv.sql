-- grain: one row per credit note; key: id
-- The credit_note table as Fivetran syncs it: amount in the minor unit,
-- Stripe's reason (order_change here) and the company's words in memo.
-- Stripe API reference, the Credit Note object, https://docs.stripe.com/api/credit_notes/object
SELECT
    'cn_' || lpad(CAST(idnum(n.credit_note_id) AS VARCHAR), 10, '0') AS id,
    'in_' || lpad(CAST(idnum(n.invoice_id) AS VARCHAR), 10, '0') AS invoice_id,
    minor(n.amount, i.currency) AS amount,
    lower(i.currency) AS currency,
    'order_change' AS reason,
    n.reason AS memo,
    'issued' AS status,
    strftime(CAST(n.issued_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS created,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM credit_notes n
JOIN invoices i ON i.invoice_id = n.invoice_id
ORDER BY n.credit_note_id
