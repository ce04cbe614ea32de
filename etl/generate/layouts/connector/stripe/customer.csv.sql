-- grain: one row per account billed in Stripe; key: id
-- The customer table as Fivetran's Stripe connector syncs it
-- (https://fivetran.com/docs/connectors/applications/stripe): the
-- customer's metadata as JSON text, holding the Salesforce account id
-- under salesforce_account_id (vendors.stripe_account_key). Fields: Stripe
-- API reference, the Customer object, https://docs.stripe.com/api/customers/object
SELECT
    'cus_' || lpad(CAST(idnum(account_id) AS VARCHAR), 8, '0') AS id,
    account_name AS name,
    'ap@' || regexp_replace(lower(account_name), '[^a-z]', '', 'g') || '.example' AS email,
    to_json({'salesforce_account_id': sfid('001', account_id)}) AS metadata,
    strftime(CAST(created_date AS TIMESTAMP), '%Y-%m-%d %H:%M:%S') AS created,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM accounts
ORDER BY account_id
