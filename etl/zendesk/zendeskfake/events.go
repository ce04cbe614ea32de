package zendeskfake

import "time"

// TicketEvent is a ticket update as the incremental ticket event export
// lists it
// (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export),
// at Unix time at, with its child events.
func TicketEvent(id, ticketID int, at int64, children ...map[string]any) map[string]any {
	return map[string]any{
		"id": id, "ticket_id": ticketID, "timestamp": at, "created_at": time.Unix(at, 0).UTC().Format(time.RFC3339),
		"updater_id": 9001, "via": "Web form", "system": map[string]any{"client": "Mozilla/5.0", "ip_address": "203.0.113.7", "location": "Berlin, Germany"},
		"metadata": map[string]any{}, "event_type": "Audit", "child_events": children,
	}
}

// ChildEvent is one of a ticket event's child events: a Create or Change
// of field (to value, from previous for a Change), or a Comment when field
// is empty (without the comment_events sideload: only whether one is there).
func ChildEvent(id int, kind, field string, value, previous any) map[string]any {
	ev := map[string]any{"id": id, "via": "Web form", "via_reference_id": nil, "event_type": kind}
	switch kind {
	case "Comment":
		ev["comment_present"], ev["comment_public"] = true, true
	case "Change":
		ev[field], ev["previous_value"] = value, previous
	default:
		ev[field] = value
	}
	return ev
}
