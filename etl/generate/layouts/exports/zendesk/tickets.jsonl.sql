-- grain: one row per ticket, and one per deleted ticket; key: id
-- Ticket objects as the incremental ticket export returns them, one per
-- line (JSON format table of
-- https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/).
-- The category is the ticket's first tag (scope_question, billing, ...)
-- or its type (problem: bug, question, task: other), so no other tag names
-- a category; an escalated ticket
-- carries the escalated tag, added at escalation (ticket_audits). Resolved
-- tickets are solved, or closed a month on; updated_at is the resolution.
-- The export lists deleted tickets with status deleted unless
-- exclude_deleted=true
-- (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/):
-- every 40th ticket has a deleted twin here, which must not load.
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
    'https://example.zendesk.com/api/v2/tickets/' || id || '.json' AS url,
    id,
    NULL AS external_id,
    {'channel': 'email'} AS via,
    isoz(created_at) AS created_at,
    isoz(updated_at) AS updated_at,
    CASE category WHEN 'bug' THEN 'problem' WHEN 'question' THEN 'question' WHEN 'outage' THEN 'incident' ELSE 'task' END AS type,
    subject,
    subject AS raw_subject,
    priority,
    status,
    360000 + idnum(account_id) AS organization_id,
    360001 AS group_id,
    tag_list AS tags,
    CAST([] AS VARCHAR[]) AS custom_fields
FROM rows
ORDER BY n, twin
