package adapters

// lastModified is a NetSuite record's last change, as SuiteQL reads it.
var lastModified = Field{Name: "lastmodifieddate", Conv: Text, Note: "the record's last change (SuiteQL pulls): of a record landed by several pulls, the later pull's wins"}

// netsuite maps saved-search exports, SuiteQL pulls and connector tables of NetSuite.
var netsuite = []Object{
	{
		Vendor: "netsuite", Name: "transaction", Table: "v_ns_transaction", Role: Load, Entity: "invoices", Files: []string{"transactions"}, Modified: "lastmodifieddate",
		Doc: "Customer invoices (CustInvc) load as invoices; credit memos (CustCred) applied to an invoice as credit notes; other types are quarantined.",
		Fields: []Field{
			{Name: "id", Aliases: []string{"internal_id"}, Labels: []string{"Internal ID"}, Conv: Keep, Required: true, Maps: "invoices.invoice_id, credit_notes.credit_note_id"},
			{Name: "type", Aliases: []string{"recordtype"}, Labels: []string{"Type"}, Conv: Keep, Required: true, Note: "CustInvc or CustCred (Invoice, Credit Memo)"},
			{Name: "tranid", Aliases: []string{"document_number"}, Labels: []string{"Document Number"}, Conv: Keep, Note: "matched by credit memos' applied-to"},
			{Name: "trandate", Aliases: []string{"date"}, Labels: []string{"Date"}, Conv: Date, Required: true, Maps: "invoices.issued_date, credit_notes.issued_date"},
			{Name: "duedate", Aliases: []string{"due_date"}, Labels: []string{"Due Date"}, Conv: Date, Maps: "invoices.due_date"},
			{Name: "closedate", Aliases: []string{"date_closed"}, Labels: []string{"Date Closed"}, Conv: Date, Maps: "invoices.paid_date", Note: "Date Closed: the day the invoice was paid in full; used when the status is paid"},
			{Name: "startdate", Aliases: []string{"start_date"}, Labels: []string{"Start Date"}, Conv: Date, Maps: "invoices.period_start"},
			{Name: "enddate", Aliases: []string{"end_date"}, Labels: []string{"End Date"}, Conv: Date, Maps: "invoices.period_end"},
			{Name: "entity", Aliases: []string{"customer", "name"}, Labels: []string{"Name", "Customer"}, Conv: Keep, Required: true, Maps: "invoices.account_id", Note: "the customer's internal id, entity id or display name (entity id and company name, as a saved search shows it), resolved to an account (customer.externalid or account_xref)"},
			{Name: "currency", Labels: []string{"Currency"}, Conv: Upper, Maps: "invoices.currency", Note: "export the ISO code (currency symbol)"},
			{Name: "exchangerate", Aliases: []string{"exchange_rate"}, Labels: []string{"Exchange Rate"}, Conv: Number, Maps: "fx_rates.rate_to_base", Note: "the rate of the transaction's currency to the subsidiary's base currency on its date: an fx_rates row (the first per currency and date); base_currency must be that base currency"},
			{Name: "status", Labels: []string{"Status"}, Conv: Lower, Maps: "invoices.status", Note: "Open/A: open; Paid In Full/B: paid; Voided/V: void; else as written"},
			{Name: "foreigntotal", Aliases: []string{"amount_foreign_currency", "total"}, Labels: []string{"Amount (Foreign Currency)", "Amount"}, Conv: Number, Required: true, Maps: "invoices.amount, credit_notes.amount", Note: "absolute value"},
			{Name: "memo", Labels: []string{"Memo"}, Conv: Text, Maps: "credit_notes.reason"},
			{Name: "customform", Aliases: []string{"custom_form"}, Labels: []string{"Custom Form"}, Conv: Keep, Maps: "invoices.billing_config_id", Note: "form:<value> when there is no billing schedule"},
			{Name: "billingschedule", Aliases: []string{"billing_schedule"}, Labels: []string{"Billing Schedule"}, Conv: Keep, Maps: "invoices.billing_config_id", Note: "schedule:<value>"},
			{Name: "appliedtotransaction", Aliases: []string{"applied_to_transaction", "applied_to", "createdfrom", "created_from"}, Labels: []string{"Applied To Transaction", "Created From"}, Conv: Keep, Maps: "credit_notes.invoice_id", Note: "the invoice's id or tranid"},
			lastModified,
		},
	},
	{
		Vendor: "netsuite", Name: "transactionline", Table: "v_ns_line", Role: Load, Entity: "invoice_lines", Files: []string{"transaction_line", "transaction_lines"},
		Modified: "lastmodifieddate", Key: []string{"transaction", "linesequencenumber"},
		Doc: "Lines of invoices. Main and tax lines are skipped; lines of credit memos are skipped. NetSuite signs income lines negative: an invoice's lines are flipped when they sum below zero.",
		Fields: []Field{
			{Name: "transaction", Labels: []string{"Internal ID"}, Conv: Keep, Required: true, Maps: "invoice_lines.invoice_id"},
			{Name: "linesequencenumber", Aliases: []string{"line", "line_number", "id"}, Labels: []string{"Line Sequence Number", "Line ID"}, Conv: Keep, Maps: "invoice_lines.line_no", Note: "else the order in the file"},
			{Name: "item", Labels: []string{"Item"}, Conv: Keep, Maps: "invoice_lines.sku"},
			{Name: "memo", Aliases: []string{"description"}, Labels: []string{"Memo"}, Conv: Text, Maps: "invoice_lines.description"},
			{Name: "quantity", Labels: []string{"Quantity"}, Conv: Number, Maps: "invoice_lines.quantity", Note: "absolute value"},
			{Name: "rate", Labels: []string{"Item Rate", "Rate"}, Conv: Number, Maps: "invoice_lines.unit_price"},
			{Name: "netamount", Aliases: []string{"amount", "foreignamount"}, Labels: []string{"Amount"}, Conv: Number, Required: true, Maps: "invoice_lines.amount", Note: "foreignamount (SuiteQL): the amount in the transaction's currency"},
			{Name: "mainline", Conv: Bool, Note: "T: skipped"},
			{Name: "taxline", Labels: []string{"Tax Line"}, Conv: Bool, Note: "T: skipped"},
			{Name: "lastmodifieddate", Conv: Text, Note: "the transaction's last change (SuiteQL pulls): of a line landed by several pulls, the later pull's wins"},
		},
	},
	{
		Vendor: "netsuite", Name: "customer", Table: "v_ns_customer", Role: Identity, Entity: "accounts", Files: []string{"customers"}, Modified: "lastmodifieddate",
		Doc: "Customers, resolved to accounts through externalid or account_xref (source netsuite).",
		Fields: []Field{
			{Name: "id", Aliases: []string{"internal_id"}, Labels: []string{"Internal ID"}, Conv: Keep, Required: true, Note: "matched by transactions' entity"},
			{Name: "entityid", Aliases: []string{"entity_id"}, Labels: []string{"ID", "Customer ID"}, Conv: Text, Note: "matches transactions' Name when it shows the entity id or the display name (entity id and company name)"},
			{Name: "companyname", Aliases: []string{"company_name"}, Labels: []string{"Company Name"}, Conv: Text, Note: "only with the entity id, in a display name: a name alone never identifies"},
			{Name: "externalid", Aliases: []string{"external_id"}, Labels: []string{"External ID"}, Conv: Keep, Note: "the account id (a 15-character Salesforce id gets its check characters)"},
			lastModified,
		},
	},
}
