-- grain: one row per approval step of a deal approved beyond the rep; key: id
-- Advanced Approvals records (sbaa__Approval__c) as Fivetran syncs them;
-- steps as in the exports layout.
WITH levels AS (
    SELECT deal_id, approved_at,
        CASE approval_level WHEN 'manager' THEN 1 WHEN 'director' THEN 2 WHEN 'vp' THEN 3 WHEN 'cfo' THEN 4 END AS top
    FROM deals
    WHERE approval_level IS DISTINCT FROM 'none' AND approved_at IS NOT NULL
)
SELECT
    'a0a' || lpad(CAST(idnum(deal_id) * 10 + step AS VARCHAR), 12, '0') || 'AAA' AS id,
    'Approved' AS sbaa_status_c,
    step AS sbaa_approval_step_c,
    sfid('a0q', deal_id) AS quote_c,
    sfid('006', deal_id) AS sbaa_opportunity_c,
    strftime(approved_at - to_hours(top - step), '%Y-%m-%d %H:%M:%S') AS last_modified_date,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM levels, range(1, 5) AS r(step)
WHERE step <= top
ORDER BY deal_id, step
