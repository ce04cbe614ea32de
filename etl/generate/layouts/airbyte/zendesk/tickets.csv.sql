-- grain: one row per ticket, and one per deleted ticket; key: id
-- The tickets table as Airbyte writes it (see organizations.csv.sql;
-- airbyte-integrations/connectors/source-zendesk-support/source_zendesk_support/schemas/tickets.json):
-- the incremental ticket export's tickets, which list a deleted ticket with
-- status deleted (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/):
-- every 40th ticket has a deleted twin here, which must not load. tags an
-- array and via an object (jsonb); generated_timestamp the source's cursor.
-- The category is the ticket's first tag or its type, an escalated ticket
-- carries the escalated tag (added at escalation, ticket_audits), and
-- resolved tickets are solved, or closed a month on, as in the exports layout.
WITH t AS (
    SELECT t.*, idnum(t.ticket_id) AS n,
        list_filter(
            list_concat(CASE WHEN t.category IN ('scope_question', 'billing', 'outage', 'feature_request') THEN [t.category] ELSE [] END,
                list_filter(string_split(coalesce(t.tags, ''), ';'), x -> x NOT IN ('bug', 'question', 'scope_question', 'feature_request', 'billing', 'outage', 'problem', 'incident', 'task')),
                CASE WHEN t.is_escalated THEN ['escalated'] ELSE [] END),
            x -> x <> '') AS tag_list
    FROM tickets t
), rows AS (
    SELECT n, 0 AS twin, n AS id, account_id, created_at,
        coalesce(resolved_at, created_at) AS updated_at,
        CASE WHEN resolved_at IS NULL THEN 'open' WHEN resolved_at < (SELECT max(created_at) FROM tickets) - INTERVAL 30 DAY THEN 'closed' ELSE 'solved' END AS status,
        category, priority, subject, tag_list
    FROM t
    UNION ALL
    SELECT n, 1, 9000000 + n, account_id, created_at, created_at + INTERVAL 1 HOUR, 'deleted', category, priority, subject, tag_list
    FROM t WHERE n % 40 = 0
)
SELECT
    abraw('ticket' || id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    id,
    'https://example.zendesk.com/api/v2/tickets/' || id || '.json' AS url,
    to_json({'channel': 'email'}) AS via,
    pgtz(created_at) AS created_at,
    pgtz(updated_at) AS updated_at,
    CASE category WHEN 'bug' THEN 'problem' WHEN 'question' THEN 'question' WHEN 'outage' THEN 'incident' ELSE 'task' END AS type,
    subject,
    subject AS raw_subject,
    priority,
    status,
    360000 + idnum(account_id) AS organization_id,
    360001 AS group_id,
    to_json(tag_list) AS tags,
    unix(updated_at) AS generated_timestamp
FROM rows
ORDER BY n, twin
