-- grain: one row per ticket, and one per deleted ticket; key: id
-- The ticket table as Fivetran's Zendesk connector syncs it: a ticket
-- deleted in Zendesk stays with _fivetran_deleted true (every 40th ticket
-- has a deleted twin here, which must not load). The category is the
-- ticket's first tag (ticket_tag) or its type, as in the exports layout.
WITH t AS (
    SELECT t.*, idnum(t.ticket_id) AS n FROM tickets t
), rows AS (
    SELECT n, 0 AS twin, n AS id, * EXCLUDE (n) FROM t
    UNION ALL
    SELECT n, 1, 9000000 + n, * EXCLUDE (n) FROM t WHERE n % 40 = 0
)
SELECT
    id,
    360000 + idnum(account_id) AS organization_id,
    isoz(created_at) AS created_at,
    isoz(coalesce(resolved_at, created_at)) AS updated_at,
    CASE WHEN resolved_at IS NULL THEN 'open' ELSE 'closed' END AS status,
    priority,
    CASE category WHEN 'bug' THEN 'problem' WHEN 'question' THEN 'question' WHEN 'outage' THEN 'incident' ELSE 'task' END AS type,
    subject,
    360001 AS group_id,
    twin = 1 AS _fivetran_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM rows
ORDER BY n, twin
