-- grain: one row per sales rep; key: id
-- The user table as Fivetran's Salesforce connector syncs it.
SELECT
    sfid('005', rep_id) AS id,
    rep_name AS name,
    team AS department,
    sfid('005', manager_id) AS manager_id,
    true AS is_active,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM reps
ORDER BY rep_id
