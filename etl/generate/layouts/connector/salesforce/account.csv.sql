-- grain: one row per account; key: id
-- The account table as Fivetran's Salesforce connector syncs it: snake_case
-- column names, 18-character ids, Salesforce's is_deleted and Fivetran's
-- _fivetran_synced. https://fivetran.com/docs/connectors/applications/salesforce
-- (schema: one table per object, columns in snake_case). segment_c is the
-- custom Segment__c field; billing_country carries the region.
SELECT
    sfid('001', account_id) AS id,
    account_name AS name,
    'Customer' AS type,
    industry,
    region AS billing_country,
    segment AS segment_c,
    strftime(CAST(created_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS created_date,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM accounts
ORDER BY account_id
