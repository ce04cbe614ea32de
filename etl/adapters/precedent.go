package adapters

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
