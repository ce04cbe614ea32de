-- grain: one row per approval step of a deal approved beyond the rep; key: ID
-- A Data Loader extract of Advanced Approvals records (sbaa__Approval__c):
-- a deal approved at level N has steps 1..N approved (1 manager, 2
-- director, 3 vp, 4 cfo: the default vendors.approval_levels), an hour
-- apart, the last at the deal's approved_at.
-- copy: FORCE_QUOTE *
WITH levels AS (
    SELECT deal_id, approved_at,
        CASE approval_level WHEN 'manager' THEN 1 WHEN 'director' THEN 2 WHEN 'vp' THEN 3 WHEN 'cfo' THEN 4 END AS top
    FROM deals
    WHERE approval_level IS DISTINCT FROM 'none' AND approved_at IS NOT NULL
)
SELECT
    'a0a' || lpad(CAST(idnum(deal_id) * 10 + step AS VARCHAR), 12, '0') || 'AAA' AS "ID",
    'Approved' AS "SBAA__STATUS__C",
    step AS "SBAA__APPROVALSTEP__C",
    sfid('a0q', deal_id) AS "QUOTE__C",
    sfid('006', deal_id) AS "SBAA__OPPORTUNITY__C",
    sftime(approved_at - to_hours(top - step)) AS "LASTMODIFIEDDATE"
FROM levels, range(1, 5) AS r(step)
WHERE step <= top
ORDER BY deal_id, step
