-- grain: one row per account billed in NetSuite; key: Internal ID
-- A customer saved search exported with NetSuite's default column labels:
-- ID is the entity id (CUST42), Internal ID the record's number, External
-- ID the Salesforce account id the CRM integration wrote. Labels from the
-- SuiteScript Records Browser, customer:
-- https://www.netsuite.com/help/helpcenter/en_US/srbrowser/Browser2020_1/script/record/customer.html
SELECT
    'CUST' || idnum(account_id) AS "ID",
    7000 + idnum(account_id) AS "Internal ID",
    account_name AS "Company Name",
    sfid('001', account_id) AS "External ID"
FROM accounts
ORDER BY account_id
