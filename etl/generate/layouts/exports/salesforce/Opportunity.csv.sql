-- grain: one row per deal; key: ID
-- A Data Loader extract of Opportunity (UPPER-case API names, values
-- quoted). Type uses the standard picklist (New Business, Renewal) with
-- Upsell for expansions; SYNCEDQUOTEID links the CPQ quote whose lines are
-- the deal's. DISCOUNT_REASON__C and PRECEDENT_OPPORTUNITY__C are custom
-- fields (Salesforce has no standard field for them), mapped in the
-- layout's precedent.yaml. Salesforce Field Reference, Opportunity.
-- copy: FORCE_QUOTE *
SELECT
    sfid('006', d.deal_id) AS "ID",
    sfid('001', d.account_id) AS "ACCOUNTID",
    a.account_name || ' - ' || CASE d.deal_type WHEN 'new' THEN 'New' WHEN 'renewal' THEN 'Renewal' ELSE 'Expansion' END AS "NAME",
    sfid('005', d.rep_id) AS "OWNERID",
    CASE d.deal_type WHEN 'new' THEN 'New Business' WHEN 'renewal' THEN 'Renewal' ELSE 'Upsell' END AS "TYPE",
    CASE d.stage WHEN 'won' THEN 'Closed Won' WHEN 'lost' THEN 'Closed Lost' ELSE 'Negotiation/Review' END AS "STAGENAME",
    CAST(d.stage = 'won' AS VARCHAR) AS "ISWON",
    CAST(d.stage <> 'open' AS VARCHAR) AS "ISCLOSED",
    sftime(d.created_date) AS "CREATEDDATE",
    d.close_date AS "CLOSEDATE",
    d.net_amount AS "AMOUNT",
    d.currency AS "CURRENCYISOCODE",
    sfid('a0q', d.deal_id) AS "SYNCEDQUOTEID",
    d.discount_reason AS "DISCOUNT_REASON__C",
    sfid('006', d.precedent_deal_id) AS "PRECEDENT_OPPORTUNITY__C"
FROM deals d
JOIN accounts a ON a.account_id = d.account_id
ORDER BY d.deal_id
