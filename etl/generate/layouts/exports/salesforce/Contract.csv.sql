-- grain: one row per contract; key: ID
-- A Data Loader extract of Contract (UPPER-case API names, values quoted):
-- the scope in Description, the deal in SBQQ__Opportunity__c, the renewal's
-- deal in SBQQ__RenewalOpportunity__c (CPQ's renewal link). The signature
-- date is not here: the completed DocuSign envelope gives it. ARR__C,
-- AUTO_RENEW__C and SIDE_LETTER__C are custom fields (mapped in the
-- layout's precedent.yaml). Salesforce object reference, Contract.
-- copy: FORCE_QUOTE *
SELECT
    sfid('800', c.contract_id) AS "ID",
    sfid('001', c.account_id) AS "ACCOUNTID",
    c.start_date AS "STARTDATE",
    c.end_date AS "ENDDATE",
    date_diff('month', c.start_date, c.end_date + 1) AS "CONTRACTTERM",
    'Activated' AS "STATUS",
    c.scope_text AS "DESCRIPTION",
    sfid('006', c.deal_id) AS "SBQQ__OPPORTUNITY__C",
    (SELECT sfid('006', min(r.deal_id)) FROM contracts r WHERE r.renews_contract_id = c.contract_id) AS "SBQQ__RENEWALOPPORTUNITY__C",
    c.arr AS "ARR__C",
    c.currency AS "CURRENCYISOCODE",
    CAST(c.auto_renew AS VARCHAR) AS "AUTO_RENEW__C",
    CAST(c.has_side_letter AS VARCHAR) AS "SIDE_LETTER__C"
FROM contracts c
ORDER BY c.contract_id
