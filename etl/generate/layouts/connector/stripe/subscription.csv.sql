-- grain: one row per contract billed in Stripe; key: id
-- The subscription table as Fivetran syncs it: one subscription per
-- contract, its metadata naming the Salesforce contract
-- (vendors.stripe_contract_key, salesforce_contract_id). Stripe API
-- reference, the Subscription object, https://docs.stripe.com/api/subscriptions/object
SELECT
    'sub_' || lpad(CAST(idnum(contract_id) AS VARCHAR), 8, '0') AS id,
    'cus_' || lpad(CAST(idnum(account_id) AS VARCHAR), 8, '0') AS customer_id,
    'active' AS status,
    strftime(CAST(start_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS current_period_start,
    strftime(CAST(end_date + 1 AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS current_period_end,
    to_json({'salesforce_contract_id': sfid('800', contract_id)}) AS metadata,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM contracts
ORDER BY contract_id
