-- grain: one row per invoice issued by as_of
-- key: invoice_id
-- description: >
--   Invoices with their billing configuration, whether that configuration is shared by two or
--   more accounts (copied from another deal), whether the invoice was disputed and what was
--   credited against it. The base of shared_config_dispute_ratio.
-- columns:
--   fiscal_quarter: the fiscal quarter of issued_date
--   config_accounts: accounts invoiced on the same billing configuration
--   is_shared_config: config_accounts >= 2
--   credited: credit notes against the invoice issued by as_of
-- tests:
--   - not_null: [account_id, issued_date, amount, is_disputed]
--   - relationships: {column: account_id, to: stg_accounts.account_id}
with settings as (
    select * from precedent_settings
),

invoices as (
    select i.*
    from stg_invoices i, settings s
    where i.issued_date <= s.as_of
),

credits as (
    select cn.invoice_id, sum(cn.amount)::double as credited, count(*) as credit_notes
    from stg_credit_notes cn, settings s
    where cn.issued_date <= s.as_of
    group by cn.invoice_id
)

select
    i.invoice_id,
    i.account_id,
    a.account_name,
    a.segment,
    a.region,
    i.contract_id,
    i.issued_date,
    -- The fiscal year starts at the start of its first month: a date is
    -- (month - first month + 12) % 12 months into its year.
    'FY' || year((date_trunc('month', i.issued_date) - to_months((month(i.issued_date) - s.fiscal_year_start_month + 12) % 12))::date + interval 11 month)
        || '-Q' || ((month(i.issued_date) - s.fiscal_year_start_month + 12) % 12 // 3 + 1) as fiscal_quarter,
    i.due_date,
    i.paid_date,
    i.status,
    i.amount,
    i.billing_config_id,
    bc.accounts as config_accounts,
    coalesce(bc.is_shared, false) as is_shared_config,
    i.is_disputed,
    i.dispute_reason,
    coalesce(cr.credited, 0) as credited,
    coalesce(cr.credit_notes, 0) as credit_notes
from invoices i
cross join settings s
left join stg_accounts a on a.account_id = i.account_id
left join int_billing_configs bc on bc.billing_config_id = i.billing_config_id
left join credits cr on cr.invoice_id = i.invoice_id
