-- grain: one row per currency and date; key: currency, date
-- Exchange rates to the base currency as an fx_rates file of the source
-- (docs/data-contract.md): neither Data Loader extracts nor saved searches
-- carry the rate a row was booked at.
SELECT currency, strftime(date, '%Y-%m-%d') AS date, rate_to_base
FROM fx_rates
ORDER BY currency, date
