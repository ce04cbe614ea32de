-- grain: one row per invoice line
-- key: [invoice_id, line_no]
-- materialized: view
-- description: Lines of invoices, in the base currency at their invoice's rate.
-- columns:
--   unit_price: in the base currency
--   amount: in the base currency
--   currency: the currency of the invoice
--   unit_price_original: unit_price as the source wrote it, in currency
--   amount_original: amount as the source wrote it, in currency
--   fx_rate: the invoice's rate to the base currency (1 for the base currency)
select
    invoice_id,
    line_no,
    sku,
    description,
    quantity,
    unit_price,
    amount,
    currency,
    unit_price_original,
    amount_original,
    fx_rate
from invoice_lines
