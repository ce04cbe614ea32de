-- grain: one row per account; key: id
-- The organizations table Airbyte's Zendesk Support source writes through
-- its PostgreSQL destination (airbytehq/airbyte:
-- docs/integrations/destinations/postgres.md, Direct Load, Airbyte's
-- metadata columns first), fields as the stream's schema names them
-- (airbyte-integrations/connectors/source-zendesk-support/source_zendesk_support/schemas/organizations.json):
-- id an integer (bigint), created_at and updated_at date-time strings
-- (timestamptz), tags and domain_names arrays (jsonb); external_id is the
-- Salesforce account id.
SELECT
    abraw('org' || account_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    360000 + idnum(account_id) AS id,
    'https://example.zendesk.com/api/v2/organizations/' || (360000 + idnum(account_id)) || '.json' AS url,
    account_name AS name,
    sfid('001', account_id) AS external_id,
    pgtz(created_date) AS created_at,
    pgtz(created_date) AS updated_at,
    to_json(CAST([] AS VARCHAR[])) AS domain_names,
    to_json(CAST([] AS VARCHAR[])) AS tags
FROM accounts
ORDER BY account_id
