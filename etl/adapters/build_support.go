package adapters

import (
	"context"
	"fmt"
)

// historySQL reads Zendesk field history, audit Change events and ticket
// events' Change child events as one history: ticket, field, value,
// previous value, time, with the input row. A ticket event's child event
// names the field it changed by its key (priority, tags, group_id) or, as
// an audit's event does, by field_name and value.
const historySQL = `CREATE OR REPLACE TEMP TABLE v_zd_changes AS
SELECT _file, _row, ticket_id, field_name AS field, value, updated AS changed_at,
    lag(value) OVER (PARTITION BY ticket_id, field_name ORDER BY updated, _file, _row) AS previous
FROM v_zd_history
UNION ALL
SELECT _file, _row, ticket_id, lower(ev.field_name), ev.value, created_at, ev.previous_value
FROM (
    SELECT _file, _row, ticket_id, created_at,
        unnest(from_json(events, '[{"type": "VARCHAR", "field_name": "VARCHAR", "value": "VARCHAR", "previous_value": "VARCHAR"}]')) AS ev
    FROM v_zd_audit WHERE json_valid(events) AND json_type(events) = 'ARRAY'
) WHERE ev.type = 'Change'
UNION ALL
SELECT _file, _row, ticket_id, field, value, created_at, previous
FROM (
    SELECT _file, _row, ticket_id, created_at, coalesce(ev.event_type, ev.type) AS type,
        lower(coalesce(ev.field_name, CASE WHEN ev.priority IS NOT NULL THEN 'priority' WHEN ev.tags IS NOT NULL THEN 'tags' WHEN ev.group_id IS NOT NULL THEN 'group_id' END)) AS field,
        coalesce(ev.value, ev.priority, ev.tags, ev.group_id) AS value, ev.previous_value AS previous
    FROM (
        SELECT _file, _row, ticket_id, created_at,
            unnest(from_json(child_events, '[{"event_type": "VARCHAR", "type": "VARCHAR", "field_name": "VARCHAR", "value": "VARCHAR", "previous_value": "VARCHAR", "priority": "VARCHAR", "tags": "VARCHAR", "group_id": "VARCHAR"}]')) AS ev
        FROM v_zd_event WHERE json_valid(child_events) AND json_type(child_events) = 'ARRAY'
    )
) WHERE type = 'Change' AND field IS NOT NULL`

func (s *Set) tickets(ctx context.Context) ([]part, error) {
	if err := s.exec(ctx, historySQL); err != nil {
		return nil, fmt.Errorf("ticket history: %w", err)
	}
	// A ticket's history, audits, events and tags enrich it; those of a
	// ticket deleted in Zendesk (its export lists them, as a connector
	// keeps them) are counted deleted with it; the others name no ticket
	// of the source and are quarantined.
	for _, id := range []string{"zendesk/ticket_field_history", "zendesk/ticket_audits", "zendesk/ticket_events", "zendesk/ticket_tags"} {
		o := s.obj(id)
		q := `SELECT _file, _row, ? AS _field,
    CASE WHEN deleted THEN 'ticket ' || ticket_id || ' is deleted in Zendesk' ELSE 'ticket ' || coalesce(ticket_id, '(empty)') || ' is no Zendesk ticket of this source' END AS _reason,
    * EXCLUDE (_file, _row, known, deleted) FROM (
    SELECT *, coalesce(ticket_id IN (SELECT id FROM v_zd_ticket WHERE id IS NOT NULL), false) AS known,
        coalesce(ticket_id IN (SELECT id FROM vendor_deleted WHERE object = 'zendesk/tickets' AND id IS NOT NULL), false) AS deleted
    FROM ` + o.Table + `)`
		outcomes := []struct{ outcome, where string }{{Enrichment, "known"}, {Deleted, "NOT known AND deleted"}, {Quarantined, "NOT known AND NOT deleted"}}
		for _, oc := range outcomes {
			if err := s.outcome(ctx, o, oc.outcome, q+" WHERE "+oc.where, s.header(o, "ticket_id")); err != nil {
				return nil, err
			}
		}
	}
	td := s.obj("hubspot/ticket_deal")
	q := `SELECT _file, _row, ? AS _field, 'ticket ' || coalesce(ticket_id, '(empty)') || ' is no HubSpot ticket of this source' AS _reason, * EXCLUDE (_file, _row),
    ticket_id IN (SELECT hs_object_id FROM v_hs_ticket) AS known FROM v_hs_ticket_deal`
	if err := s.outcome(ctx, td, Enrichment, "SELECT * FROM ("+q+") WHERE known", s.header(td, "ticket_id")); err != nil {
		return nil, err
	}
	if err := s.outcome(ctx, td, Quarantined, "SELECT * FROM ("+q+") WHERE NOT known", s.header(td, "ticket_id")); err != nil {
		return nil, err
	}
	zt := s.obj("zendesk/tickets")
	tags, groups := s.cfg.EscalationTags, s.cfg.EscalationGroups
	if groups == nil {
		groups = []string{}
	}
	return []part{
		// The tags and their category are a ticket row's (_file, _row), not
		// its id's: two rows of one ticket (two exports holding it) each
		// get their own, and neither is repeated by the other's.
		{sql: `WITH tagl AS (
    SELECT t._file, t._row, list_concat(v_words(t.tags), coalesce(x.tags, [])) AS tags
    FROM v_zd_ticket t LEFT JOIN (SELECT ticket_id, list(tag ORDER BY _file, _row) AS tags FROM v_zd_tag GROUP BY ticket_id) x ON x.ticket_id = t.id
), tagpos AS (
    SELECT _file, _row, unnest(tags) AS tag, generate_subscripts(tags, 1) AS pos FROM tagl
), tagcat AS (
    SELECT p._file, p._row, arg_min(c.category, p.pos) AS category FROM tagpos p JOIN vendor_categories c ON c.k = p.tag GROUP BY p._file, p._row
), events AS (
    SELECT ticket_id, changed_at FROM v_zd_changes
    WHERE field = 'priority' AND lower(value) IN ('high', 'urgent') AND previous IS NOT NULL AND lower(previous) NOT IN ('high', 'urgent')
    UNION ALL
    SELECT ticket_id, changed_at FROM v_zd_changes
    WHERE field IN ('tags', 'current_tags') AND list_has_any(v_words(value), $1::VARCHAR[]) AND NOT list_has_any(v_words(previous), $1::VARCHAR[])
    UNION ALL
    SELECT ticket_id, changed_at FROM v_zd_changes WHERE field IN ('group_id', 'group') AND list_contains($2::VARCHAR[], value)
), esc AS (
    SELECT ticket_id, min(changed_at) AS escalated_at FROM events GROUP BY ticket_id
)
SELECT t._file, t._row, true AS _primary, CASE WHEN idn.account_id IS NULL THEN 'quarantined' END AS _outcome, $3 AS _field,
    'no account for Zendesk organization ' || coalesce(t.organization_id, '(none)') || ': it has no external_id and account_xref.csv has no row (zendesk, ' || coalesce(t.organization_id, '') || ')' AS _reason,
    t.id AS ticket_id, idn.account_id, t.created_at,
    CASE WHEN t.status IN ('solved', 'closed') THEN t.updated_at END AS resolved_at,
    coalesce(tc.category, yc.category, 'other') AS category, t.priority,
    CASE WHEN esc.ticket_id IS NOT NULL OR list_has_any(g.tags, $1::VARCHAR[]) OR list_contains($2::VARCHAR[], t.group_id) THEN 'true' ELSE 'false' END AS is_escalated,
    esc.escalated_at, t.subject, nullif(array_to_string(g.tags, ';'), '') AS tags
FROM v_zd_ticket t
LEFT JOIN tagl g ON g._file = t._file AND g._row = t._row
LEFT JOIN tagcat tc ON tc._file = t._file AND tc._row = t._row
LEFT JOIN vendor_categories yc ON yc.k = t.type
LEFT JOIN esc ON esc.ticket_id = t.id
LEFT JOIN v_identity idn ON idn.source = 'zendesk' AND idn.source_id = t.organization_id`, args: []any{tags, groups, s.header(zt, "organization_id")}, from: zt},
		{sql: `WITH td AS (
    SELECT ticket_id, arg_max(c.contract_id, c.start_date) AS contract_id FROM v_hs_ticket_deal x JOIN main.contracts c ON c.deal_id = x.deal_id GROUP BY ticket_id
)
SELECT t._file, t._row, true AS _primary, t.hs_object_id AS ticket_id, regexp_extract(t.associatedcompanyid, '[^;,\[\]" ]+') AS account_id,
    td.contract_id, t.createdate AS created_at, t.closed_date AS resolved_at,
    coalesce(c.category, 'other') AS category,
    CASE t.hs_ticket_priority WHEN 'medium' THEN 'normal' ELSE t.hs_ticket_priority END AS priority, t.subject
FROM v_hs_ticket t
LEFT JOIN td ON td.ticket_id = t.hs_object_id
LEFT JOIN vendor_categories c ON c.k = t.hs_ticket_category`, from: s.obj("hubspot/tickets")},
	}, nil
}
