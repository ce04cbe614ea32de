-- grain: one row per audit of an escalated ticket; key: id
-- The ticket_audits table as Airbyte writes it (see organizations.csv.sql;
-- airbyte-integrations/connectors/source-zendesk-support/source_zendesk_support/schemas/ticket_audits.json):
-- the Ticket Audits API's audits
-- (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/),
-- events an array (jsonb): the audit that created the ticket (Create
-- events) and the one that escalated it, whose Change event adds the
-- escalated tag to the tags.
WITH t AS (
    SELECT ticket_id, idnum(ticket_id) AS n, created_at, escalated_at, priority,
        list_filter(string_split(coalesce(tags, ''), ';'), x -> x <> '') AS tag_list
    FROM tickets WHERE is_escalated AND escalated_at IS NOT NULL
), audits AS (
    SELECT n, 0 AS seq, n * 10 AS id, n AS ticket_id, created_at AS audited_at,
        [{'type': 'Create', 'field_name': 'priority', 'value': to_json(priority), 'previous_value': NULL::JSON},
         {'type': 'Create', 'field_name': 'tags', 'value': to_json(tag_list), 'previous_value': NULL::JSON}] AS events
    FROM t
    UNION ALL
    SELECT n, 1, n * 10 + 1, n, escalated_at,
        [{'type': 'Change', 'field_name': 'tags', 'value': to_json(list_append(tag_list, 'escalated')), 'previous_value': to_json(tag_list)}]
    FROM t
)
SELECT
    abraw('audit' || id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    id,
    ticket_id,
    pgtz(audited_at) AS created_at,
    to_json(events) AS events
FROM audits
ORDER BY n, seq
