package salesforcefake

// orgFields are the fields (API name and describe type) the fake org's
// objects have: those the Salesforce Object Reference lists for Account,
// User, Opportunity, OpportunityLineItem and Contract, the CPQ package's
// for SBQQ__QuoteLine__c and Advanced Approvals' for sbaa__Approval__c,
// with the custom fields the generated exports carry. Like a real org,
// they are not all the adapters know: Opportunity has no
// SBQQ__PrimaryQuote__c (the pull must not ask for it), and User has no
// IsDeleted (users are deactivated, never deleted).
var orgFields = map[string][]Field{
	"Account": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"Name", "string"}, {"Type", "picklist"}, {"ParentId", "reference"},
		{"BillingCountry", "string"}, {"Industry", "picklist"}, {"AnnualRevenue", "currency"}, {"NumberOfEmployees", "int"},
		{"OwnerId", "reference"}, {"CreatedDate", "datetime"}, {"LastModifiedDate", "datetime"}, {"SystemModstamp", "datetime"},
		{"Segment__c", "picklist"},
	},
	"User": {
		{"Id", "id"}, {"Username", "string"}, {"Name", "string"}, {"Department", "string"}, {"ManagerId", "reference"},
		{"IsActive", "boolean"}, {"CreatedDate", "datetime"}, {"SystemModstamp", "datetime"},
	},
	"Opportunity": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"AccountId", "reference"}, {"Name", "string"}, {"StageName", "picklist"},
		{"Amount", "currency"}, {"CloseDate", "date"}, {"Type", "picklist"}, {"IsClosed", "boolean"}, {"IsWon", "boolean"},
		{"OwnerId", "reference"}, {"CreatedDate", "datetime"}, {"SystemModstamp", "datetime"}, {"FiscalQuarter", "int"},
		{"CurrencyIsoCode", "picklist"}, {"SyncedQuoteId", "reference"}, {"Discount_Reason__c", "picklist"},
		{"Precedent_Opportunity__c", "reference"},
	},
	"OpportunityLineItem": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"OpportunityId", "reference"}, {"ProductCode", "string"}, {"Name", "string"},
		{"Quantity", "Double"}, {"TotalPrice", "currency"}, {"UnitPrice", "currency"}, {"ListPrice", "currency"},
		{"Discount", "percent"}, {"SystemModstamp", "datetime"},
	},
	"SBQQ__QuoteLine__c": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"Name", "string"}, {"SBQQ__Quote__c", "reference"}, {"SBQQ__ProductCode__c", "string"},
		{"SBQQ__Description__c", "textarea"}, {"SBQQ__Quantity__c", "Double"}, {"SBQQ__ListPrice__c", "currency"},
		{"SBQQ__NetPrice__c", "currency"}, {"SBQQ__CustomerPrice__c", "currency"}, {"SBQQ__RegularPrice__c", "currency"},
		{"SBQQ__Discount__c", "percent"}, {"SBQQ__AdditionalDiscountAmount__c", "currency"}, {"SBQQ__SubscriptionTerm__c", "Double"},
		{"SBQQ__Renewal__c", "boolean"}, {"SystemModstamp", "datetime"},
	},
	"Contract": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"AccountId", "reference"}, {"StartDate", "date"}, {"EndDate", "date"},
		{"ContractTerm", "int"}, {"Status", "picklist"}, {"Description", "textarea"}, {"SpecialTerms", "textarea"},
		{"CustomerSignedDate", "date"}, {"CurrencyIsoCode", "picklist"}, {"SystemModstamp", "datetime"},
		{"SBQQ__Opportunity__c", "reference"}, {"SBQQ__RenewalOpportunity__c", "reference"}, {"ARR__c", "currency"},
		{"Auto_Renew__c", "boolean"}, {"Side_Letter__c", "boolean"},
	},
	"sbaa__Approval__c": {
		{"Id", "id"}, {"IsDeleted", "boolean"}, {"Name", "string"}, {"sbaa__Status__c", "picklist"}, {"sbaa__ApprovalStep__c", "Double"},
		{"sbaa__Approver__c", "reference"}, {"sbaa__Opportunity__c", "reference"}, {"Quote__c", "reference"},
		{"LastModifiedDate", "datetime"}, {"SystemModstamp", "datetime"},
	},
}

// AddObjects gives the org the named objects, without records.
func (f *Org) AddObjects(names ...string) {
	for _, n := range names {
		f.Objects[n] = &Object{Fields: orgFields[n]}
	}
}
