-- grain: one row per currency and date; key: currency, date
-- Exchange rates to the base currency as an fx_rates file of the source
-- (docs/data-contract.md), as in the other layouts: Salesforce
-- multi-currency (DatedConversionRate) and Stripe balance transactions are
-- not synced here, so the rates come as a file.
SELECT currency, strftime(date, '%Y-%m-%d') AS date, rate_to_base
FROM fx_rates
ORDER BY currency, date
