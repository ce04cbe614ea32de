-- grain: one row per sales rep; key: Id
-- The User table as Airbyte writes it (see Account.csv.sql): API names,
-- the team in Department. User has no IsDeleted field (users are
-- deactivated, IsActive false, never deleted).
-- (airbytehq/airbyte: docs/integrations/destinations/postgres.md;
-- airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py).
SELECT
    abraw('005' || rep_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sfid('005', rep_id) AS "Id",
    rep_name AS "Name",
    team AS "Department",
    sfid('005', manager_id) AS "ManagerId",
    pgbool(true) AS "IsActive"
FROM reps
ORDER BY rep_id
