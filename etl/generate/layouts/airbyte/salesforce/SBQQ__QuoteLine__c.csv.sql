-- grain: one row per deal line; key: Id
-- CPQ quote lines as Airbyte writes them (see Account.csv.sql): the table
-- named SBQQ__QuoteLine__c, the managed package's field names
-- (SBQQ__NetPrice__c), its number fields (prices, quantity, term) as
-- DECIMAL(38,9).
-- (airbytehq/airbyte: docs/integrations/destinations/postgres.md;
-- airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py).
SELECT
    abraw('a0l' || l.line_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sfid('a0l', l.line_id) AS "Id",
    sfid('a0q', l.deal_id) AS "SBQQ__Quote__c",
    l.sku AS "SBQQ__ProductCode__c",
    l.description AS "SBQQ__Description__c",
    pgnum(l.quantity) AS "SBQQ__Quantity__c",
    pgnum(l.list_unit_price) AS "SBQQ__ListPrice__c",
    pgnum(l.net_unit_price) AS "SBQQ__NetPrice__c",
    pgnum(d.term_months) AS "SBQQ__SubscriptionTerm__c",
    pgbool(d.deal_type = 'renewal') AS "SBQQ__Renewal__c",
    pgbool(false) AS "IsDeleted"
FROM deal_lines l
JOIN deals d ON d.deal_id = l.deal_id
ORDER BY l.line_id
