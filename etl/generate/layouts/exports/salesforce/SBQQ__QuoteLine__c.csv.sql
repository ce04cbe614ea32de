-- grain: one row per deal line; key: ID
-- A Data Loader extract of Salesforce CPQ quote lines (SBQQ__QuoteLine__c)
-- of each deal's synced quote, UPPER-case API names, values quoted. Field
-- names as the CPQ managed package defines them (SBQQ__ListPrice__c,
-- SBQQ__NetPrice__c, SBQQ__SubscriptionTerm__c, SBQQ__Renewal__c).
-- copy: FORCE_QUOTE *
SELECT
    sfid('a0l', l.line_id) AS "ID",
    sfid('a0q', l.deal_id) AS "SBQQ__QUOTE__C",
    l.sku AS "SBQQ__PRODUCTCODE__C",
    l.description AS "SBQQ__DESCRIPTION__C",
    l.quantity AS "SBQQ__QUANTITY__C",
    l.list_unit_price AS "SBQQ__LISTPRICE__C",
    l.net_unit_price AS "SBQQ__NETPRICE__C",
    d.term_months AS "SBQQ__SUBSCRIPTIONTERM__C",
    CAST(d.deal_type = 'renewal' AS VARCHAR) AS "SBQQ__RENEWAL__C"
FROM deal_lines l
JOIN deals d ON d.deal_id = l.deal_id
ORDER BY l.line_id
