-- grain: one row per contract started by as_of
-- key: contract_id
-- description: >
--   What each contract should have billed by as_of against what was invoiced and credited.
--   contracted_to_date = arr * term_months / 12 * elapsed days / term days, elapsed up to
--   as_of; invoiced counts non-void invoices of the contract issued by as_of, each prorated by the
--   part of its service period (period_start..period_end) that falls by as_of (in full when it
--   has no period); credited counts the credit notes of those invoices issued by as_of.
--   leakage = contracted_to_date - (invoiced - credited).
-- columns:
--   contracted_to_date: arr * term_months / 12 * elapsed_days / term_days
--   invoiced: non-void invoices of the contract, prorated to as_of by their service period
--   credited: credit notes of the contract's invoices issued by as_of
--   leakage: contracted_to_date - (invoiced - credited)
--   leakage_pct: leakage / contracted_to_date
--   disputed_invoices: disputed invoices of the contract issued by as_of
--   shares_billing_config: an invoice of the contract uses a billing config used by 2 or more accounts
--   billing_config_ids: the billing configs of those invoices, sorted, comma-separated (null without one)
-- tests:
--   - not_null: [account_id, contracted_to_date, invoiced, credited]
with settings as (
    select * from precedent_settings
),

contracts as (
    select
        c.contract_id,
        c.account_id,
        c.start_date,
        c.end_date,
        c.arr,
        date_diff('month', c.start_date, c.end_date + 1) as term_months,
        (c.end_date - c.start_date + 1) as term_days,
        greatest(0, least(c.end_date, s.as_of) - c.start_date + 1) as elapsed_days
    from stg_contracts c, settings s
    where c.start_date <= s.as_of
),

invoices as (
    select
        i.*,
        case
            when i.period_start is null or i.period_end is null then 1.0
            else least(1.0, greatest(0.0, (least(i.period_end, s.as_of) - i.period_start + 1)::double / (i.period_end - i.period_start + 1)))
        end as share_to_date
    from stg_invoices i, settings s
    where i.status <> 'void' and i.issued_date <= s.as_of and i.contract_id is not null
),

credits as (
    select cn.invoice_id, sum(cn.amount)::double as credited
    from stg_credit_notes cn, settings s
    where cn.issued_date <= s.as_of
    group by cn.invoice_id
),

billed as (
    select
        i.contract_id,
        sum(i.amount::double * i.share_to_date) as invoiced,
        sum(coalesce(cr.credited, 0)) as credited,
        count(*) filter (where i.is_disputed) as disputed_invoices,
        count(*) as invoices,
        coalesce(bool_or(bc.is_shared), false) as shares_billing_config,
        string_agg(distinct i.billing_config_id, ', ' order by i.billing_config_id) as billing_config_ids
    from invoices i
    left join credits cr on cr.invoice_id = i.invoice_id
    left join int_billing_configs bc on bc.billing_config_id = i.billing_config_id
    group by i.contract_id
)

select
    c.contract_id,
    c.account_id,
    c.start_date,
    c.end_date,
    c.arr,
    c.term_months,
    c.arr::double * c.term_months / 12 * c.elapsed_days / c.term_days as contracted_to_date,
    coalesce(b.invoiced, 0) as invoiced,
    coalesce(b.credited, 0) as credited,
    contracted_to_date - (coalesce(b.invoiced, 0) - coalesce(b.credited, 0)) as leakage,
    leakage / nullif(contracted_to_date, 0) as leakage_pct,
    coalesce(b.invoices, 0) as invoices,
    coalesce(b.disputed_invoices, 0) as disputed_invoices,
    coalesce(b.shares_billing_config, false) as shares_billing_config,
    b.billing_config_ids
from contracts c
left join billed b on b.contract_id = c.contract_id
