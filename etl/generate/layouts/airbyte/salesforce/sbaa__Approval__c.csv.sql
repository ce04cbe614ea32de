-- grain: one row per approval step of a deal approved beyond the rep; key: Id
-- Advanced Approvals records as Airbyte writes them (see Account.csv.sql):
-- the step a number field, so a DECIMAL(38,9) (2.000000000); steps as in
-- the exports layout.
-- (airbytehq/airbyte: docs/integrations/destinations/postgres.md;
-- airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py).
WITH levels AS (
    SELECT deal_id, approved_at,
        CASE approval_level WHEN 'manager' THEN 1 WHEN 'director' THEN 2 WHEN 'vp' THEN 3 WHEN 'cfo' THEN 4 END AS top
    FROM deals
    WHERE approval_level IS DISTINCT FROM 'none' AND approved_at IS NOT NULL
), steps AS (
    SELECT *, 'a0a' || lpad(CAST(idnum(deal_id) * 10 + step AS VARCHAR), 12, '0') || 'AAA' AS sf_id
    FROM levels, range(1, 5) AS r(step)
    WHERE step <= top
)
SELECT
    abraw(sf_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sf_id AS "Id",
    'Approved' AS "sbaa__Status__c",
    pgnum(step) AS "sbaa__ApprovalStep__c",
    sfid('a0q', deal_id) AS "Quote__c",
    sfid('006', deal_id) AS "sbaa__Opportunity__c",
    pgtz(approved_at - to_hours(top - step)) AS "LastModifiedDate",
    pgbool(false) AS "IsDeleted"
FROM steps
ORDER BY deal_id, step
