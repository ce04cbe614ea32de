-- grain: one row per sales rep; key: ID
-- A Data Loader extract of User (UPPER-case API names, values quoted); the
-- team is the user's Department. Salesforce Field Reference, User.
-- copy: FORCE_QUOTE *
SELECT
    sfid('005', rep_id) AS "ID",
    rep_name AS "NAME",
    team AS "DEPARTMENT",
    sfid('005', manager_id) AS "MANAGERID",
    'true' AS "ISACTIVE"
FROM reps
ORDER BY rep_id
