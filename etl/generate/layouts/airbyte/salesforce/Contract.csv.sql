-- grain: one row per contract; key: Id
-- The Contract table as Airbyte writes it (see Account.csv.sql). The
-- signature date is the standard CustomerSignedDate (this layout has no
-- DocuSign envelopes); ContractTerm (int) a bigint; ARR__c, Auto_Renew__c
-- and Side_Letter__c are custom fields (Auto_Renew__c and Side_Letter__c
-- mapped in the layout's precedent.yaml).
-- (airbytehq/airbyte: docs/integrations/destinations/postgres.md;
-- airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py).
SELECT
    abraw('800' || c.contract_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sfid('800', c.contract_id) AS "Id",
    sfid('001', c.account_id) AS "AccountId",
    strftime(c.start_date, '%Y-%m-%d') AS "StartDate",
    strftime(c.end_date, '%Y-%m-%d') AS "EndDate",
    date_diff('month', c.start_date, c.end_date + 1) AS "ContractTerm",
    'Activated' AS "Status",
    c.scope_text AS "Description",
    strftime(c.signed_date, '%Y-%m-%d') AS "CustomerSignedDate",
    sfid('006', c.deal_id) AS "SBQQ__Opportunity__c",
    (SELECT sfid('006', min(r.deal_id)) FROM contracts r WHERE r.renews_contract_id = c.contract_id) AS "SBQQ__RenewalOpportunity__c",
    pgnum(c.arr) AS "ARR__c",
    c.currency AS "CurrencyIsoCode",
    pgbool(c.auto_renew) AS "Auto_Renew__c",
    pgbool(c.has_side_letter) AS "Side_Letter__c",
    pgbool(false) AS "IsDeleted"
FROM contracts c
ORDER BY c.contract_id
