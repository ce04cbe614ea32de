-- grain: one row per audit of an escalated ticket; key: id
-- Ticket audits from the Ticket Audits API
-- (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/):
-- the audit that created the ticket (Create events) and the one that
-- escalated it, whose Change event adds the escalated tag to the tags.
WITH t AS (
    SELECT ticket_id, idnum(ticket_id) AS n, created_at, escalated_at, priority,
        list_filter(string_split(coalesce(tags, ''), ';'), x -> x <> '') AS tag_list
    FROM tickets WHERE is_escalated AND escalated_at IS NOT NULL
)
SELECT * EXCLUDE (n, seq) FROM (
    SELECT n, 0 AS seq, n * 10 AS id, n AS ticket_id, isoz(created_at) AS created_at,
        [{'type': 'Create', 'field_name': 'priority', 'value': to_json(priority), 'previous_value': NULL::JSON},
         {'type': 'Create', 'field_name': 'tags', 'value': to_json(tag_list), 'previous_value': NULL::JSON}] AS events
    FROM t
    UNION ALL
    SELECT n, 1, n * 10 + 1, n, isoz(escalated_at),
        [{'type': 'Change', 'field_name': 'tags', 'value': to_json(list_append(tag_list, 'escalated')), 'previous_value': to_json(tag_list)}]
    FROM t
)
ORDER BY n, seq
