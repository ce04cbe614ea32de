-- grain: one row per account; key: id
-- The organization table as Fivetran's Zendesk Support connector syncs it
-- (https://fivetran.com/docs/connectors/applications/zendesk); external_id
-- is the Salesforce account id.
SELECT
    360000 + idnum(account_id) AS id,
    sfid('001', account_id) AS external_id,
    account_name AS name,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM accounts
ORDER BY account_id
