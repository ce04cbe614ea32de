-- grain: one row per tag of a ticket; key: ticket_id, tag
-- The ticket_tag table as Fivetran syncs it: the category tag first, no
-- other tag naming a category, and escalated on escalated tickets.
WITH t AS (
    SELECT idnum(ticket_id) AS n,
        list_filter(
            list_concat(CASE WHEN category IN ('scope_question', 'billing', 'outage', 'feature_request') THEN [category] ELSE [] END,
                list_filter(string_split(coalesce(tags, ''), ';'), x -> x NOT IN ('bug', 'question', 'scope_question', 'feature_request', 'billing', 'outage', 'problem', 'incident', 'task')),
                CASE WHEN is_escalated THEN ['escalated'] ELSE [] END),
            x -> x <> '') AS tag_list
    FROM tickets
)
SELECT n AS ticket_id, tag, '2026-01-01 00:00:00' AS _fivetran_synced
FROM (SELECT n, unnest(tag_list) AS tag, generate_subscripts(tag_list, 1) AS pos FROM t)
ORDER BY n, pos
