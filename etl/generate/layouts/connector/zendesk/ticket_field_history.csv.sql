-- grain: one row per change of an escalated ticket's tags; key: ticket_id, field_name, updated
-- The ticket_field_history table of Fivetran's Zendesk connector: the tags
-- as set at creation, then with escalated added at escalation.
WITH t AS (
    SELECT idnum(ticket_id) AS n, created_at, escalated_at,
        array_to_string(list_filter(string_split(coalesce(tags, ''), ';'), x -> x <> ''), ' ') AS tag_text
    FROM tickets WHERE is_escalated AND escalated_at IS NOT NULL
)
SELECT ticket_id, field_name, value, updated, _fivetran_synced FROM (
    SELECT n AS ticket_id, 'tags' AS field_name, tag_text AS value, isoz(created_at) AS updated, '2026-01-01 00:00:00' AS _fivetran_synced, 0 AS seq FROM t
    UNION ALL
    SELECT n, 'tags', trim(tag_text || ' escalated'), isoz(escalated_at), '2026-01-01 00:00:00', 1 FROM t
)
ORDER BY ticket_id, seq
