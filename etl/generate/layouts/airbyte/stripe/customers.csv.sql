-- grain: one row per account billed in Stripe, and one per deleted customer; key: id
-- The customers table Airbyte's Stripe source writes through its
-- PostgreSQL destination (airbytehq/airbyte:
-- docs/integrations/destinations/postgres.md, Direct Load; Airbyte's
-- metadata columns first, as destination-postgres's PostgresColumnUtils.kt
-- DEFAULT_COLUMNS). Fields as the stream's schema names them
-- (airbyte-integrations/connectors/source-stripe/manifest.yaml,
-- schemas.customers): the API's field names, integers (created, updated) a
-- bigint, objects (metadata) a jsonb. updated is Airbyte's cursor field;
-- is_deleted is the flag the source sets on a customer.deleted event
-- (manifest.yaml, events_based_stream; docs/integrations/sources/stripe.md,
-- "Incremental deletes"): every 25th account also has a deleted customer
-- here, which must not load. The metadata holds the Salesforce account id
-- under salesforce_account_id (vendors.stripe_account_key).
WITH c AS (
    SELECT a.*, idnum(a.account_id) AS n, 0 AS twin FROM accounts a
    UNION ALL
    SELECT a.*, idnum(a.account_id), 1 FROM accounts a WHERE idnum(a.account_id) % 25 = 0
), ids AS (
    SELECT *, 'cus_' || lpad(CAST(twin * 90000000 + n AS VARCHAR), 8, '0') AS st_id FROM c
)
SELECT
    abraw(st_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    st_id AS id,
    'customer' AS object,
    account_name AS name,
    'ap@' || regexp_replace(lower(account_name), '[^a-z]', '', 'g') || '.example' AS email,
    to_json({'salesforce_account_id': sfid('001', account_id)}) AS metadata,
    unix(created_date) AS created,
    unix(created_date) + twin * 86400 AS updated,
    pgbool(twin = 1) AS is_deleted
FROM ids
ORDER BY n, twin
