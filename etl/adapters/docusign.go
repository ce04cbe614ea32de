package adapters

// docusign maps envelopes from an eSignature export or its REST API (JSON
// lines, one envelope object each) and the DocuSign for Salesforce status
// object.
var docusign = []Object{
	{
		Vendor: "docusign", Name: "envelopes", Table: "v_ds_envelope", Role: Enrich, Entity: "contracts", Files: []string{"envelope", "envelope_status"},
		Key: []string{"envelopeId"}, Modified: "statusChangedDateTime",
		Doc: "Envelopes. A completed one gives its contract's signed date and deal; declined, voided or unfinished ones are recorded in vendor_records, never turned into contracts.",
		Fields: []Field{
			{Name: "envelopeId", Conv: Keep, Required: true, Note: "the envelope, in vendor_records when not completed"},
			{Name: "statusChangedDateTime", Conv: Time, Note: "of an envelope landed more than once (a pull lands it at each status change), the latest change wins"},
			{Name: "status", Conv: Lower, Required: true, Maps: "contracts.signed_date", Note: "only completed envelopes sign; sent, delivered, declined, voided are recorded"},
			{Name: "sentDateTime", Conv: Time, Note: "kept in vendor_records"},
			{Name: "completedDateTime", Conv: Time, Maps: "contracts.signed_date", Note: "its UTC date"},
			{Name: "emailSubject", Conv: Text, Note: "kept in vendor_records"},
			{Name: "SFOpportunity", Aliases: []string{"##SFOpportunity", "opportunity_id", "dsfs_opportunity_c"}, Conv: SFID, Maps: "contracts.deal_id", Note: "envelope custom field: the contract whose SBQQ__Opportunity__c it is, else links the contract to it"},
			{Name: "customFields", Conv: JSON, Maps: "contracts.deal_id", Note: "the REST API's envelope custom fields: textCustomFields (and listCustomFields) named ##SFOpportunity and ##SFAccount, read when the columns above are absent; 15-character ids get their check characters"},
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
