-- grain: one row per invoice
-- key: invoice_id
-- description: Invoices with their billing configuration and dispute flag.
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
    status,
    paid_date,
    billing_config_id,
    is_disputed,
    dispute_reason
from invoices
