-- grain: one row per deal, and one per deleted opportunity; key: Id
-- The Opportunity table as Airbyte writes it (see Account.csv.sql): a
-- deleted opportunity stays with IsDeleted true (queryAll): every 30th deal
-- has a deleted duplicate here, which must not load. Amount (currency) is
-- a DECIMAL(38,9), CloseDate (date) a date. Discount_Reason__c and
-- Precedent_Opportunity__c are custom fields, mapped in the layout's
-- precedent.yaml.
-- (airbytehq/airbyte: docs/integrations/destinations/postgres.md;
-- airbyte-integrations/connectors/source-salesforce/source_salesforce/api.py).
WITH o AS (
    SELECT d.*, idnum(d.deal_id) AS n, 0 AS twin FROM deals d
    UNION ALL
    SELECT d.*, idnum(d.deal_id), 1 FROM deals d WHERE idnum(d.deal_id) % 30 = 0
), ids AS (
    SELECT *, CASE twin WHEN 0 THEN sfid('006', deal_id) ELSE '006' || lpad(CAST(900000000 + n AS VARCHAR), 12, '0') || 'AAA' END AS sf_id FROM o
)
SELECT
    abraw(sf_id) AS _airbyte_raw_id,
    pgtz('2026-01-01') AS _airbyte_extracted_at,
    abmeta() AS _airbyte_meta,
    0 AS _airbyte_generation_id,
    sf_id AS "Id",
    sfid('001', account_id) AS "AccountId",
    sfid('005', rep_id) AS "OwnerId",
    CASE deal_type WHEN 'new' THEN 'New Business' WHEN 'renewal' THEN 'Renewal' ELSE 'Upsell' END AS "Type",
    CASE stage WHEN 'won' THEN 'Closed Won' WHEN 'lost' THEN 'Closed Lost' ELSE 'Negotiation/Review' END AS "StageName",
    pgbool(stage = 'won') AS "IsWon",
    pgbool(stage <> 'open') AS "IsClosed",
    pgtz(created_date) AS "CreatedDate",
    strftime(close_date, '%Y-%m-%d') AS "CloseDate",
    pgnum(net_amount) AS "Amount",
    currency AS "CurrencyIsoCode",
    sfid('a0q', deal_id) AS "SyncedQuoteId",
    discount_reason AS "Discount_Reason__c",
    sfid('006', precedent_deal_id) AS "Precedent_Opportunity__c",
    pgbool(twin = 1) AS "IsDeleted"
FROM ids
ORDER BY n, twin
