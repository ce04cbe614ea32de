package adapters

// zendesk maps Zendesk Support exports and connector tables.
var zendesk = []Object{
	{
		Vendor: "zendesk", Name: "organizations", Table: "v_zd_organization", Role: Identity, Entity: "accounts", Files: []string{"organization"},
		Doc: "Organizations, resolved to accounts through external_id or account_xref (source zendesk).",
		Fields: []Field{
			{Name: "id", Aliases: []string{"organization_id"}, Conv: Keep, Required: true, Note: "matched by tickets' organization_id"},
			{Name: "external_id", Conv: Keep, Note: "the account id"},
			{Name: "name", Conv: Text, Note: "not mapped: names never identify"},
		},
	},
	{
		Vendor: "zendesk", Name: "tickets", Table: "v_zd_ticket", Role: Load, Entity: "tickets", Files: []string{"ticket"}, DeletedStatus: "deleted",
		Doc: "Tickets. Escalations come from field history or audits (priority raised to high or urgent, an escalation tag added, moved to an escalation group). Tickets with status deleted (the API's incremental export lists them) load nothing, are counted as deleted and remove what an earlier run loaded of them; their field history, audits, events and tags are counted as deleted too.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"ticket_id"}, Conv: Keep, Required: true, Maps: "tickets.ticket_id"},
			{Name: "organization_id", Conv: Keep, Required: true, Maps: "tickets.account_id", Note: "resolved to an account"},
			{Name: "created_at", Conv: Time, Required: true, Maps: "tickets.created_at"},
			{Name: "updated_at", Conv: Time, Maps: "tickets.resolved_at", Note: "when status is solved or closed"},
			{Name: "status", Conv: Lower, Maps: "tickets.resolved_at", Note: "deleted: the ticket is deleted, as IsDeleted"},
			{Name: "priority", Conv: Lower, Maps: "tickets.priority"},
			{Name: "type", Conv: Lower, Maps: "tickets.category", Note: "problem, incident: bug; question: question; task: other (when no tag maps)"},
			{Name: "subject", Conv: Text, Maps: "tickets.subject"},
			{Name: "tags", Conv: Text, Maps: "tickets.tags, tickets.category, tickets.is_escalated", Note: "space separated or a JSON array; with ticket_tags"},
			{Name: "group_id", Aliases: []string{"group"}, Conv: Keep, Maps: "tickets.is_escalated", Note: "in vendors.escalation_groups"},
			{Name: "via", Aliases: []string{"via_channel"}, Conv: Text, Note: "not mapped"},
		},
	},
	{
		Vendor: "zendesk", Name: "ticket_field_history", Table: "v_zd_history", Role: Enrich, Entity: "tickets", Files: []string{"field_history"},
		Doc: "Ticket field history (one row per field change).",
		Fields: []Field{
			{Name: "ticket_id", Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "field_name", Conv: Lower, Required: true, Maps: "tickets.is_escalated", Note: "priority, tags, group_id"},
			{Name: "value", Conv: Text, Maps: "tickets.is_escalated"},
			{Name: "updated", Aliases: []string{"updated_at"}, Conv: Time, Required: true, Maps: "tickets.escalated_at"},
		},
	},
	{
		Vendor: "zendesk", Name: "ticket_audits", Table: "v_zd_audit", Role: Enrich, Entity: "tickets", Files: []string{"audits", "audit", "ticket_audit"},
		Doc: "Ticket audits from the API: their Change events read like field history.",
		Fields: []Field{
			{Name: "id", Conv: Keep, Note: "not mapped"},
			{Name: "ticket_id", Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "created_at", Conv: Time, Required: true, Maps: "tickets.escalated_at"},
			{Name: "events", Conv: JSON, Required: true, Maps: "tickets.is_escalated", Note: "Change events: field_name, value, previous_value"},
		},
	},
	{
		Vendor: "zendesk", Name: "ticket_events", Table: "v_zd_event", Role: Enrich, Entity: "tickets",
		Doc: "Ticket events from the incremental ticket event export (one per ticket update): their Change child events read like field history.",
		Fields: []Field{
			{Name: "id", Conv: Keep, Note: "not mapped"},
			{Name: "ticket_id", Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "created_at", Conv: Time, Required: true, Maps: "tickets.escalated_at"},
			{Name: "child_events", Conv: JSON, Required: true, Maps: "tickets.is_escalated", Note: "Change events (event_type): the field changed as their key (priority, tags, group_id) or as field_name and value, and previous_value"},
		},
	},
	{
		Vendor: "zendesk", Name: "ticket_tags", Table: "v_zd_tag", Role: Enrich, Entity: "tickets", Files: []string{"ticket_tag"},
		Doc: "Tags of tickets, one per row (connector table).",
		Fields: []Field{
			{Name: "ticket_id", Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "tag", Conv: Lower, Required: true, Maps: "tickets.tags, tickets.category"},
		},
	},
}
