package vendor

// docusign maps envelopes from an eSignature export and the DocuSign for
// Salesforce status object.
var docusign = []Object{
	{
		Vendor: "docusign", Name: "envelopes", Table: "v_ds_envelope", Role: Enrich, Entity: "contracts", Files: []string{"envelope", "envelope_status"},
		Doc: "Envelopes. A completed one gives its contract's signed date and deal; declined, voided or unfinished ones are recorded in vendor_records, never turned into contracts.",
		Fields: []Field{
			{Name: "envelopeId", Conv: Keep, Required: true, Note: "the envelope, in vendor_records when not completed"},
			{Name: "status", Conv: Lower, Required: true, Maps: "contracts.signed_date", Note: "only completed envelopes sign; sent, delivered, declined, voided are recorded"},
			{Name: "sentDateTime", Conv: Time, Note: "kept in vendor_records"},
			{Name: "completedDateTime", Conv: Time, Maps: "contracts.signed_date", Note: "its UTC date"},
			{Name: "emailSubject", Conv: Text, Note: "kept in vendor_records"},
			{Name: "SFOpportunity", Aliases: []string{"##SFOpportunity", "opportunity_id", "dsfs_opportunity_c"}, Conv: SFID, Maps: "contracts.deal_id", Note: "envelope custom field: the contract whose SBQQ__Opportunity__c it is, else links the contract to it"},
			{Name: "SFAccount", Aliases: []string{"##SFAccount", "account_id", "dsfs_company_c"}, Conv: SFID, Note: "envelope custom field: else the account's contract starting nearest the completion (within 90 days)"},
		},
	},
	{
		Vendor: "docusign", Name: "dsfs__DocuSign_Status__c", Table: "v_ds_status", Role: Enrich, Entity: "contracts", Files: []string{"docusign_status", "dsfs_docusign_status"},
		Doc: "DocuSign for Salesforce status records; read like envelopes.",
		Fields: []Field{
			{Name: "Id", Conv: SFID, Required: true, Note: "the status record"},
			{Name: "dsfs__DocuSign_Envelope_ID__c", Conv: Keep, Note: "the envelope id, else Id"},
			{Name: "dsfs__Envelope_Status__c", Conv: Lower, Required: true, Maps: "contracts.signed_date", Note: "as status above"},
			{Name: "dsfs__Sent_Date_Time__c", Conv: Time, Note: "kept in vendor_records"},
			{Name: "dsfs__Completed_Date_Time__c", Conv: Time, Maps: "contracts.signed_date"},
			{Name: "dsfs__Subject__c", Conv: Text, Note: "kept in vendor_records"},
			{Name: "dsfs__Opportunity__c", Conv: SFID, Maps: "contracts.deal_id"},
			{Name: "dsfs__Company__c", Conv: SFID, Note: "the account"},
		},
	},
}

// netsuite maps saved-search exports and connector tables of NetSuite.
var netsuite = []Object{
	{
		Vendor: "netsuite", Name: "transaction", Table: "v_ns_transaction", Role: Load, Entity: "invoices", Files: []string{"transactions"},
		Doc: "Customer invoices (CustInvc) load as invoices; credit memos (CustCred) applied to an invoice as credit notes; other types are quarantined.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"internal_id"}, Conv: Keep, Required: true, Maps: "invoices.invoice_id, credit_notes.credit_note_id"},
			{Name: "type", Aliases: []string{"recordtype"}, Conv: Keep, Required: true, Note: "CustInvc or CustCred (Invoice, Credit Memo)"},
			{Name: "tranid", Aliases: []string{"document_number"}, Conv: Keep, Note: "matched by credit memos' applied-to"},
			{Name: "trandate", Aliases: []string{"date"}, Conv: Date, Required: true, Maps: "invoices.issued_date, credit_notes.issued_date"},
			{Name: "duedate", Aliases: []string{"due_date"}, Conv: Date, Maps: "invoices.due_date"},
			{Name: "startdate", Aliases: []string{"start_date"}, Conv: Date, Maps: "invoices.period_start"},
			{Name: "enddate", Aliases: []string{"end_date"}, Conv: Date, Maps: "invoices.period_end"},
			{Name: "entity", Aliases: []string{"customer", "name"}, Conv: Keep, Required: true, Maps: "invoices.account_id", Note: "the customer, resolved to an account (customer.externalid or account_xref)"},
			{Name: "currency", Conv: Upper, Maps: "invoices.currency", Note: "export the ISO code (currency symbol)"},
			{Name: "status", Conv: Lower, Maps: "invoices.status", Note: "Open/A: open; Paid In Full/B: paid; Voided/V: void; else as written"},
			{Name: "foreigntotal", Aliases: []string{"amount_foreign_currency", "total"}, Conv: Number, Required: true, Maps: "invoices.amount, credit_notes.amount", Note: "absolute value"},
			{Name: "memo", Conv: Text, Maps: "credit_notes.reason"},
			{Name: "customform", Aliases: []string{"custom_form"}, Conv: Keep, Maps: "invoices.billing_config_id", Note: "form:<value> when there is no billing schedule"},
			{Name: "billingschedule", Aliases: []string{"billing_schedule"}, Conv: Keep, Maps: "invoices.billing_config_id", Note: "schedule:<value>"},
			{Name: "appliedtotransaction", Aliases: []string{"applied_to_transaction", "applied_to", "createdfrom", "created_from"}, Conv: Keep, Maps: "credit_notes.invoice_id", Note: "the invoice's id or tranid"},
		},
	},
	{
		Vendor: "netsuite", Name: "transactionline", Table: "v_ns_line", Role: Load, Entity: "invoice_lines", Files: []string{"transaction_line", "transaction_lines"},
		Doc: "Lines of invoices. Main and tax lines are skipped; lines of credit memos are skipped. NetSuite signs income lines negative: an invoice's lines are flipped when they sum below zero.",
		Fields: []Field{
			{Name: "transaction", Conv: Keep, Required: true, Maps: "invoice_lines.invoice_id"},
			{Name: "linesequencenumber", Aliases: []string{"line", "line_number", "id"}, Conv: Keep, Maps: "invoice_lines.line_no", Note: "else the order in the file"},
			{Name: "item", Conv: Keep, Maps: "invoice_lines.sku"},
			{Name: "memo", Aliases: []string{"description"}, Conv: Text, Maps: "invoice_lines.description"},
			{Name: "quantity", Conv: Number, Maps: "invoice_lines.quantity", Note: "absolute value"},
			{Name: "rate", Conv: Number, Maps: "invoice_lines.unit_price"},
			{Name: "netamount", Aliases: []string{"amount"}, Conv: Number, Required: true, Maps: "invoice_lines.amount"},
			{Name: "mainline", Conv: Bool, Note: "T: skipped"},
			{Name: "taxline", Conv: Bool, Note: "T: skipped"},
		},
	},
	{
		Vendor: "netsuite", Name: "customer", Table: "v_ns_customer", Role: Identity, Entity: "accounts", Files: []string{"customers"},
		Doc: "Customers, resolved to accounts through externalid or account_xref (source netsuite).",
		Fields: []Field{
			{Name: "id", Aliases: []string{"internal_id"}, Conv: Keep, Required: true, Note: "matched by transactions' entity"},
			{Name: "entityid", Aliases: []string{"entity_id"}, Conv: Text, Note: "not mapped"},
			{Name: "companyname", Aliases: []string{"company_name"}, Conv: Text, Note: "not mapped: names never identify"},
			{Name: "externalid", Aliases: []string{"external_id"}, Conv: Keep, Note: "the account id (a 15-character Salesforce id gets its check characters)"},
		},
	},
}

// hubspot maps HubSpot CRM exports and connector tables (property_ prefixes
// are dropped).
var hubspot = []Object{
	{
		Vendor: "hubspot", Name: "companies", Table: "v_hs_company", Role: Load, Entity: "accounts", Files: []string{"company"},
		Doc: "Companies are the accounts when HubSpot is the CRM.",
		Fields: []Field{
			{Name: "hs_object_id", Aliases: []string{"company_id", "record_id", "id"}, Conv: Keep, Required: true, Maps: "accounts.account_id"},
			{Name: "name", Aliases: []string{"company_name"}, Conv: Text, Required: true, Maps: "accounts.account_name"},
			{Name: "numberofemployees", Aliases: []string{"number_of_employees"}, Conv: Number, Maps: "accounts.segment", Note: "as Salesforce's NumberOfEmployees"},
			{Name: "annualrevenue", Aliases: []string{"annual_revenue"}, Conv: Number, Maps: "accounts.segment", Note: "as Salesforce's AnnualRevenue"},
			{Name: "country", Aliases: []string{"country_region"}, Conv: Text, Maps: "accounts.region"},
			{Name: "industry", Conv: Text, Maps: "accounts.industry"},
			{Name: "createdate", Aliases: []string{"create_date"}, Conv: Date, Maps: "accounts.created_date"},
		},
	},
	{
		Vendor: "hubspot", Name: "deals", Table: "v_hs_deal", Role: Load, Entity: "deals", Files: []string{"deal"},
		Doc: "Deals of any pipeline.",
		Fields: []Field{
			{Name: "deal_id", Aliases: []string{"hs_object_id", "record_id"}, Conv: Keep, Required: true, Maps: "deals.deal_id"},
			{Name: "associatedcompanyid", Aliases: []string{"associated_company_id", "company_id", "associated_company_ids"}, Conv: Keep, Required: true, Maps: "deals.account_id", Note: "the first company id"},
			{Name: "owner", Aliases: []string{"hubspot_owner_id", "owner_id", "deal_owner"}, Conv: Keep, Maps: "deals.rep_id"},
			{Name: "amount", Conv: Number, Maps: "deals.net_amount", Note: "also list_amount when the deal has no line items"},
			{Name: "closedate", Aliases: []string{"close_date"}, Conv: Date, Maps: "deals.close_date"},
			{Name: "createdate", Aliases: []string{"create_date"}, Conv: Date, Maps: "deals.created_date"},
			{Name: "dealstage", Aliases: []string{"deal_stage"}, Conv: Lower, Maps: "deals.stage", Note: "closedwon: won; closedlost: lost; else open"},
			{Name: "pipeline", Conv: Text, Note: "not mapped"},
			{Name: "dealtype", Aliases: []string{"deal_type"}, Conv: Lower, Maps: "deals.deal_type", Note: "newbusiness: new; renewal: renewal; existingbusiness: expansion"},
			{Name: "deal_currency_code", Aliases: []string{"currency"}, Conv: Upper, Maps: "deals.currency"},
		},
	},
	{
		Vendor: "hubspot", Name: "line_items", Table: "v_hs_line_item", Role: Load, Entity: "deal_lines", Files: []string{"line_item"},
		Doc: "Line items of deals.",
		Fields: []Field{
			{Name: "hs_object_id", Aliases: []string{"line_item_id", "record_id", "id"}, Conv: Keep, Required: true, Maps: "deal_lines.line_id"},
			{Name: "deal_id", Aliases: []string{"associated_deal_id", "associateddealid"}, Conv: Keep, Required: true, Maps: "deal_lines.deal_id"},
			{Name: "hs_sku", Aliases: []string{"sku"}, Conv: Keep, Maps: "deal_lines.sku"},
			{Name: "name", Conv: Text, Maps: "deal_lines.description"},
			{Name: "quantity", Conv: Number, Required: true, Maps: "deal_lines.quantity"},
			{Name: "price", Conv: Number, Required: true, Maps: "deal_lines.list_unit_price"},
			{Name: "amount", Conv: Number, Maps: "deal_lines.net_unit_price", Note: "amount / quantity; else price less hs_discount_percentage"},
			{Name: "hs_discount_percentage", Conv: Number, Maps: "deal_lines.net_unit_price"},
		},
	},
	{
		Vendor: "hubspot", Name: "tickets", Table: "v_hs_ticket", Role: Load, Entity: "tickets", Files: []string{"ticket"},
		Doc: "Tickets; categories through vendors.categories (defaults: PRODUCT_ISSUE bug, BILLING_ISSUE billing, FEATURE_REQUEST feature_request, GENERAL_INQUIRY question). An export holds a ticket's current priority, not its history, so no HubSpot ticket is marked escalated: an escalation is a change and its moment, which only Zendesk's field history or audits carry.",
		Fields: []Field{
			{Name: "hs_object_id", Aliases: []string{"hs_ticket_id", "ticket_id", "record_id", "id"}, Conv: Keep, Required: true, Maps: "tickets.ticket_id"},
			{Name: "associatedcompanyid", Aliases: []string{"associated_company_id", "company_id"}, Conv: Keep, Required: true, Maps: "tickets.account_id"},
			{Name: "subject", Aliases: []string{"ticket_name"}, Conv: Text, Maps: "tickets.subject"},
			{Name: "content", Aliases: []string{"ticket_description"}, Conv: Text, Note: "not mapped"},
			{Name: "hs_ticket_category", Aliases: []string{"category"}, Conv: Lower, Maps: "tickets.category", Note: "through vendors.categories; else other"},
			{Name: "hs_ticket_priority", Aliases: []string{"priority"}, Conv: Lower, Maps: "tickets.priority", Note: "medium: normal"},
			{Name: "createdate", Aliases: []string{"create_date"}, Conv: Time, Required: true, Maps: "tickets.created_at"},
			{Name: "closed_date", Aliases: []string{"close_date"}, Conv: Time, Maps: "tickets.resolved_at"},
		},
	},
	{
		Vendor: "hubspot", Name: "ticket_deal", Table: "v_hs_ticket_deal", Role: Enrich, Entity: "tickets", Files: []string{"ticket_deals", "ticket_to_deal", "ticket_deal_association"},
		Doc: "The ticket-to-deal association: a ticket belongs to the contract of its deal.",
		Fields: []Field{
			{Name: "ticket_id", Aliases: []string{"from_object_id"}, Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "deal_id", Aliases: []string{"to_object_id"}, Conv: Keep, Required: true, Maps: "tickets.contract_id", Note: "the contract whose deal_id is the deal"},
		},
	},
}

// stripe maps Stripe's API objects (exports, Sigma or connector tables).
var stripe = []Object{
	{
		Vendor: "stripe", Name: "customers", Table: "v_st_customer", Role: Identity, Entity: "accounts", Files: []string{"customer"},
		Doc: "Customers, resolved to accounts through the metadata key vendors.stripe_account_key or account_xref (source stripe).",
		Fields: []Field{
			{Name: "id", Aliases: []string{"customer_id"}, Conv: Keep, Required: true, Note: "matched by invoices' customer"},
			{Name: "name", Conv: Text, Note: "not mapped: names never identify"},
			{Name: "email", Conv: Text, Note: "not mapped: e-mails never identify"},
			{Name: "metadata", Conv: JSON, Note: "a JSON object, or flattened columns metadata[key] / key (metadata)"},
		},
	},
	{
		Vendor: "stripe", Name: "invoices", Table: "v_st_invoice", Role: Load, Entity: "invoices", Files: []string{"invoice"},
		Doc: "Invoices. Disputed when a credit note's reason, a B2B dispute record or the metadata key vendors.stripe_dispute_key says so; card chargebacks alone do not.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"invoice_id"}, Conv: Keep, Required: true, Maps: "invoices.invoice_id"},
			{Name: "customer", Aliases: []string{"customer_id"}, Conv: Keep, Required: true, Maps: "invoices.account_id", Note: "resolved to an account (metadata, customer metadata or account_xref)"},
			{Name: "subscription", Aliases: []string{"subscription_id"}, Conv: Keep, Maps: "invoices.contract_id", Note: "the subscription's metadata contract key; else the account's contract running on the issue date"},
			{Name: "status", Conv: Lower, Required: true, Maps: "invoices.status", Note: "draft invoices are quarantined by the contract"},
			{Name: "created", Conv: UnixDate, Required: true, Maps: "invoices.issued_date"},
			{Name: "due_date", Conv: UnixDate, Maps: "invoices.due_date"},
			{Name: "period_start", Conv: UnixDate, Maps: "invoices.period_start"},
			{Name: "period_end", Conv: UnixDate, Maps: "invoices.period_end"},
			{Name: "total", Conv: Minor, Required: true, Maps: "invoices.amount"},
			{Name: "subtotal", Conv: Minor, Note: "not mapped"},
			{Name: "amount_due", Conv: Minor, Note: "not mapped"},
			{Name: "amount_paid", Conv: Minor, Note: "not mapped"},
			{Name: "currency", Conv: Upper, Required: true, Maps: "invoices.currency"},
			{Name: "status_transitions.paid_at", Aliases: []string{"paid_at"}, Conv: UnixDate, Maps: "invoices.paid_date"},
			{Name: "number", Conv: Keep, Note: "not mapped"},
			{Name: "metadata", Conv: JSON, Maps: "invoices.is_disputed", Note: "account, contract and dispute keys"},
		},
	},
	{
		Vendor: "stripe", Name: "invoice_line_items", Table: "v_st_line", Role: Load, Entity: "invoice_lines", Files: []string{"invoice_line_item", "invoice_lines", "invoice_line"},
		Doc: "Invoice line items; line_no is the line's place in its invoice in file order.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"line_item_id"}, Conv: Keep, Required: true, Note: "not mapped: lines are numbered per invoice"},
			{Name: "invoice", Aliases: []string{"invoice_id"}, Conv: Keep, Required: true, Maps: "invoice_lines.invoice_id, invoice_lines.line_no"},
			{Name: "amount", Conv: Minor, Required: true, Maps: "invoice_lines.amount, invoice_lines.unit_price"},
			{Name: "currency", Conv: Upper, Required: true, Note: "the minor unit of amount"},
			{Name: "description", Conv: Text, Maps: "invoice_lines.description"},
			{Name: "quantity", Conv: Number, Maps: "invoice_lines.quantity, invoice_lines.unit_price"},
			{Name: "price", Aliases: []string{"price_id", "plan", "plan_id"}, Conv: Keep, Maps: "invoice_lines.sku"},
			{Name: "period_start", Aliases: []string{"period.start"}, Conv: UnixDate, Note: "not mapped"},
			{Name: "period_end", Aliases: []string{"period.end"}, Conv: UnixDate, Note: "not mapped"},
		},
	},
	{
		Vendor: "stripe", Name: "credit_notes", Table: "v_st_credit_note", Role: Load, Entity: "credit_notes", Files: []string{"credit_note"},
		Doc: "Credit notes; void ones are skipped. A reason in vendors.dispute_credit_reasons marks the invoice disputed.",
		Fields: []Field{
			{Name: "id", Conv: Keep, Required: true, Maps: "credit_notes.credit_note_id"},
			{Name: "invoice", Aliases: []string{"invoice_id"}, Conv: Keep, Required: true, Maps: "credit_notes.invoice_id"},
			{Name: "amount", Aliases: []string{"total"}, Conv: Minor, Required: true, Maps: "credit_notes.amount"},
			{Name: "currency", Conv: Upper, Required: true, Note: "the minor unit of amount"},
			{Name: "reason", Conv: Lower, Maps: "credit_notes.reason, invoices.is_disputed"},
			{Name: "memo", Conv: Text, Maps: "credit_notes.reason", Note: "after the reason"},
			{Name: "status", Conv: Lower, Note: "void: skipped"},
			{Name: "created", Conv: UnixDate, Required: true, Maps: "credit_notes.issued_date"},
		},
	},
	{
		Vendor: "stripe", Name: "disputes", Table: "v_st_dispute", Role: Enrich, Entity: "invoices", Files: []string{"dispute"},
		Doc: "Dispute records with their charge's invoice. Reasons in vendors.dispute_reasons mark the invoice disputed; card disputes (fraudulent, unrecognized and the like) are recorded only.",
		Fields: []Field{
			{Name: "id", Conv: Keep, Required: true, Note: "the dispute, in vendor_records when a card dispute"},
			{Name: "invoice", Aliases: []string{"invoice_id"}, Conv: Keep, Required: true, Maps: "invoices.is_disputed"},
			{Name: "reason", Conv: Lower, Required: true, Maps: "invoices.dispute_reason"},
			{Name: "charge", Aliases: []string{"charge_id"}, Conv: Keep, Note: "kept in vendor_records"},
			{Name: "status", Conv: Lower, Note: "kept in vendor_records"},
			{Name: "created", Conv: Unix, Note: "not mapped"},
		},
	},
	{
		Vendor: "stripe", Name: "subscriptions", Table: "v_st_subscription", Role: Enrich, Entity: "invoices", Files: []string{"subscription"},
		Doc: "Subscriptions: their metadata contract key links their invoices to a contract.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"subscription_id"}, Conv: Keep, Required: true, Note: "matched by invoices' subscription"},
			{Name: "customer", Aliases: []string{"customer_id"}, Conv: Keep, Required: true, Note: "resolved like an invoice's"},
			{Name: "status", Conv: Lower, Note: "not mapped"},
			{Name: "current_period_start", Conv: UnixDate, Note: "not mapped"},
			{Name: "current_period_end", Conv: UnixDate, Note: "not mapped"},
			{Name: "cancel_at", Conv: UnixDate, Note: "not mapped"},
			{Name: "canceled_at", Conv: UnixDate, Note: "not mapped"},
			{Name: "ended_at", Conv: UnixDate, Note: "not mapped"},
			{Name: "metadata", Conv: JSON, Maps: "invoices.contract_id", Note: "vendors.stripe_contract_key"},
		},
	},
}

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
		Vendor: "zendesk", Name: "tickets", Table: "v_zd_ticket", Role: Load, Entity: "tickets", Files: []string{"ticket"},
		Doc: "Tickets. Escalations come from field history or audits (priority raised to high or urgent, an escalation tag added, moved to an escalation group).",
		Fields: []Field{
			{Name: "id", Aliases: []string{"ticket_id"}, Conv: Keep, Required: true, Maps: "tickets.ticket_id"},
			{Name: "organization_id", Conv: Keep, Required: true, Maps: "tickets.account_id", Note: "resolved to an account"},
			{Name: "created_at", Conv: Time, Required: true, Maps: "tickets.created_at"},
			{Name: "updated_at", Conv: Time, Maps: "tickets.resolved_at", Note: "when status is solved or closed"},
			{Name: "status", Conv: Lower, Maps: "tickets.resolved_at"},
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
		Vendor: "zendesk", Name: "ticket_tags", Table: "v_zd_tag", Role: Enrich, Entity: "tickets", Files: []string{"ticket_tag"},
		Doc: "Tags of tickets, one per row (connector table).",
		Fields: []Field{
			{Name: "ticket_id", Conv: Keep, Required: true, Note: "the ticket"},
			{Name: "tag", Conv: Lower, Required: true, Maps: "tickets.tags, tickets.category"},
		},
	},
}

// precedent holds Precedent's own helper file.
var precedent = []Object{
	{
		Vendor: "precedent", Name: "account_xref", Table: "v_account_xref", Role: Identity, Entity: "accounts", Files: []string{"account_xrefs"},
		Doc: "The mapping of other systems' customer ids to accounts, kept by hand or by an integration.",
		Fields: []Field{
			{Name: "source", Conv: Lower, Required: true, Note: "stripe, zendesk, netsuite"},
			{Name: "source_id", Conv: Keep, Required: true, Note: "the customer, organization or customer id in that system"},
			{Name: "account_id", Conv: Keep, Required: true, Note: "the account (a 15-character Salesforce id gets its check characters)"},
		},
	},
}
