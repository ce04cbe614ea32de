-- grain: one row per account; key: Id
-- The Account table Airbyte's Salesforce source writes through its
-- PostgreSQL destination (Direct Load, destination-postgres 3.x). Sources,
-- all in airbytehq/airbyte:
-- - docs/integrations/destinations/postgres.md ("Naming Conventions",
--   "Output Schema (Direct Load)", "Final Tables Data type mapping"): the
--   table and its columns quoted, case kept, so named as the API names
--   them; Airbyte's metadata columns _airbyte_raw_id (varchar),
--   _airbyte_extracted_at (timestamptz), _airbyte_meta (jsonb) and
--   _airbyte_generation_id (bigint), first, as DEFAULT_COLUMNS of
--   airbyte-integrations/connectors/destination-postgres/src/main/kotlin/io/airbyte/integrations/destination/postgres/sql/PostgresColumnUtils.kt;
--   a JSON-schema number a DECIMAL(38,9) (unless unconstrained numerics are on).
-- - airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py
--   (field_to_property_schema): a datetime field a date-time string
--   (timestamptz), a date a date, double, currency and percent a number,
--   int an integer, boolean a boolean.
-- - docs/integrations/sources/salesforce.md ("Incremental Deletes Sync"):
--   deleted records are read and marked IsDeleted true.
-- Values as PostgreSQL prints those columns (COPY ... CSV, time zone UTC).
-- Segment__c is the custom Segment field; BillingCountry carries the region.
SELECT
    abraw('001' || account_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sfid('001', account_id) AS "Id",
    account_name AS "Name",
    'Customer' AS "Type",
    industry AS "Industry",
    region AS "BillingCountry",
    segment AS "Segment__c",
    pgtz(created_date) AS "CreatedDate",
    pgbool(false) AS "IsDeleted"
FROM accounts
ORDER BY account_id
