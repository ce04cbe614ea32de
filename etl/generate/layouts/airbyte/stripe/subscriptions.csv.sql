-- grain: one row per contract billed in Stripe; key: id
-- The subscriptions table as Airbyte writes it (see customers.csv.sql;
-- airbyte-integrations/connectors/source-stripe/manifest.yaml,
-- schemas.subscriptions): one subscription per contract, its metadata (a
-- jsonb) naming the Salesforce contract (vendors.stripe_contract_key,
-- salesforce_contract_id).
SELECT
    abraw('sub' || contract_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    'sub_' || lpad(CAST(idnum(contract_id) AS VARCHAR), 8, '0') AS id,
    'subscription' AS object,
    'cus_' || lpad(CAST(idnum(account_id) AS VARCHAR), 8, '0') AS customer,
    'active' AS status,
    unix(start_date) AS current_period_start,
    unix(end_date + 1) AS current_period_end,
    to_json({'salesforce_contract_id': sfid('800', contract_id)}) AS metadata,
    unix(start_date) AS created,
    unix(start_date) AS updated,
    pgbool(false) AS is_deleted
FROM contracts
ORDER BY contract_id
