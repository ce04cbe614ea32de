-- grain: one row per credit note
-- key: credit_note_id
-- materialized: view
-- description: Credits issued against invoices, amounts in the base currency (converted at the credit note's own date).
-- columns:
--   amount: the credit, in the base currency
--   currency: the currency of the invoice credited
--   amount_original: amount as the source wrote it, in currency
--   fx_rate: the rate that converted currency to the base currency (1 for the base currency)
select
    credit_note_id,
    invoice_id,
    issued_date,
    amount,
    currency,
    amount_original,
    fx_rate,
    reason
from credit_notes
