-- grain: one row per account; key: ID
-- A Data Loader extract of Account: UPPER-case API names and every value
-- quoted, as the Data Loader CLI writes them up to v60 (and v63+ with
-- sfdc.extraction.allCapsHeaders): https://github.com/forcedotcom/dataloader/issues/43
-- Fields: Salesforce Field Reference, Account. SEGMENT__C is a custom field
-- (the adapter's optional Segment__c); BILLINGCOUNTRY carries the region.
-- copy: FORCE_QUOTE *
SELECT
    sfid('001', account_id) AS "ID",
    account_name AS "NAME",
    'Customer' AS "TYPE",
    industry AS "INDUSTRY",
    region AS "BILLINGCOUNTRY",
    segment AS "SEGMENT__C",
    sftime(created_date) AS "CREATEDDATE"
FROM accounts
ORDER BY account_id
