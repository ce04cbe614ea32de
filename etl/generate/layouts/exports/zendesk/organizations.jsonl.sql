-- grain: one row per account; key: id
-- Organization objects of the Zendesk Support API (JSON format table of
-- https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/),
-- one per line; external_id is the Salesforce account id.
SELECT
    'https://example.zendesk.com/api/v2/organizations/' || (360000 + idnum(account_id)) || '.json' AS url,
    360000 + idnum(account_id) AS id,
    account_name AS name,
    false AS shared_tickets,
    false AS shared_comments,
    sfid('001', account_id) AS external_id,
    isoz(CAST(created_date AS TIMESTAMP)) AS created_at,
    isoz(CAST(created_date AS TIMESTAMP)) AS updated_at,
    CAST([] AS VARCHAR[]) AS domain_names,
    NULL AS group_id,
    CAST([] AS VARCHAR[]) AS tags
FROM accounts
ORDER BY account_id
