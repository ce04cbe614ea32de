-- grain: one row per invoice
-- key: invoice_id
-- materialized: view
-- description: Invoices with their billing configuration and dispute flag, amounts in the base currency.
-- columns:
--   amount: the invoice total, in the base currency
--   currency: the currency the invoice was issued in
--   amount_original: amount as the source wrote it, in currency
--   fx_rate: the rate that converted currency to the base currency (1 for the base currency)
select
    invoice_id,
    account_id,
    contract_id,
    issued_date,
    due_date,
    period_start,
    period_end,
    amount,
    currency,
    amount_original,
    fx_rate,
    status,
    paid_date,
    billing_config_id,
    is_disputed,
    dispute_reason
from invoices
