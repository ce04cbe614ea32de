package adapters

// hubspot maps HubSpot CRM exports and connector tables (property_ prefixes
// are dropped).
var hubspot = []Object{
	{
		Vendor: "hubspot", Name: "companies", Key: "hs_object_id", Table: "v_hs_company", Role: Load, Entity: "accounts", Files: []string{"company"},
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
		Vendor: "hubspot", Name: "deals", Key: "deal_id", Table: "v_hs_deal", Role: Load, Entity: "deals", Files: []string{"deal"},
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
		Vendor: "hubspot", Name: "line_items", Key: "hs_object_id", Table: "v_hs_line_item", Role: Load, Entity: "deal_lines", Files: []string{"line_item"},
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
		Vendor: "hubspot", Name: "tickets", Key: "hs_object_id", Table: "v_hs_ticket", Role: Load, Entity: "tickets", Files: []string{"ticket"},
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
