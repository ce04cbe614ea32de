-- grain: one row per fiscal quarter, segment and region, up to as_of
-- key: [fiscal_quarter, segment, region]
-- description: >
--   Contracted, invoiced and credited money per fiscal quarter, on the same accrual basis as
--   billing_reconciliation: a contract's contracted amount (arr * term_months / 12) is spread
--   evenly over its days, an invoice over its service period (or its issue day when it has no
--   period), and a credit note counts on its issue day; days after as_of are left out.
-- columns:
--   quarter_start: first day of the fiscal quarter
--   contracted: contracted amount accrued in the quarter
--   invoiced: non-void invoiced amount accrued in the quarter
--   credited: credit notes issued in the quarter
--   leakage: contracted - (invoiced - credited)
-- tests:
--   - not_null: [quarter_start, contracted, invoiced, credited]
with settings as (
    select * from precedent_settings
),

bounds as (
    select
        least((select min(start_date) from stg_contracts), (select min(issued_date) from stg_invoices)) as first_day,
        s.as_of,
        s.fiscal_year_start_month
    from settings s
),

quarters as (
    select
        q::date as quarter_start,
        least((q + interval 3 month - interval 1 day)::date, b.as_of) as quarter_end
    from bounds b,
        range(
            (date_trunc('month', b.first_day) - to_months(((month(b.first_day) - b.fiscal_year_start_month + 12) % 12) % 3))::date,
            b.as_of + 1,
            interval 3 month
        ) t(q)
),

labelled as (
    select
        q.*,
        (month(q.quarter_start) - s.fiscal_year_start_month + 12) % 12 as months_into_year,
        'FY' || year((q.quarter_start - to_months(months_into_year)) + interval 11 month) || '-Q' || (months_into_year // 3 + 1) as fiscal_quarter
    from quarters q, settings s
),

contracts as (
    select
        c.contract_id,
        a.segment,
        a.region,
        c.start_date,
        c.end_date,
        c.arr::double * date_diff('month', c.start_date, c.end_date + 1) / 12 / (c.end_date - c.start_date + 1) as per_day
    from stg_contracts c
    left join stg_accounts a on a.account_id = c.account_id
),

contracted as (
    select
        q.fiscal_quarter, q.quarter_start, c.segment, c.region,
        sum(c.per_day * (least(c.end_date, q.quarter_end) - greatest(c.start_date, q.quarter_start) + 1)) as contracted
    from labelled q
    join contracts c on c.start_date <= q.quarter_end and c.end_date >= q.quarter_start
    group by all
),

invoices as (
    select
        i.invoice_id,
        a.segment,
        a.region,
        coalesce(i.period_start, i.issued_date) as from_day,
        coalesce(i.period_end, i.issued_date) as to_day,
        i.amount::double / (coalesce(i.period_end, i.issued_date) - coalesce(i.period_start, i.issued_date) + 1) as per_day
    from stg_invoices i
    left join stg_accounts a on a.account_id = i.account_id
    cross join settings s
    where i.status <> 'void' and i.issued_date <= s.as_of
),

invoiced as (
    select
        q.fiscal_quarter, q.quarter_start, i.segment, i.region,
        sum(i.per_day * (least(i.to_day, q.quarter_end) - greatest(i.from_day, q.quarter_start) + 1)) as invoiced
    from labelled q
    join invoices i on i.from_day <= q.quarter_end and i.to_day >= q.quarter_start
    group by all
),

credited as (
    select
        q.fiscal_quarter, q.quarter_start, a.segment, a.region,
        sum(cn.amount)::double as credited
    from labelled q
    join stg_credit_notes cn on cn.issued_date between q.quarter_start and q.quarter_end
    join stg_invoices i on i.invoice_id = cn.invoice_id
    left join stg_accounts a on a.account_id = i.account_id
    group by all
),

keys as (
    select fiscal_quarter, quarter_start, segment, region from contracted
    union
    select fiscal_quarter, quarter_start, segment, region from invoiced
    union
    select fiscal_quarter, quarter_start, segment, region from credited
)

select
    k.fiscal_quarter,
    k.quarter_start,
    k.segment,
    k.region,
    coalesce(c.contracted, 0) as contracted,
    coalesce(i.invoiced, 0) as invoiced,
    coalesce(cr.credited, 0) as credited,
    coalesce(c.contracted, 0) - (coalesce(i.invoiced, 0) - coalesce(cr.credited, 0)) as leakage
from keys k
left join contracted c using (fiscal_quarter, quarter_start, segment, region)
left join invoiced i using (fiscal_quarter, quarter_start, segment, region)
left join credited cr using (fiscal_quarter, quarter_start, segment, region)
order by k.quarter_start, k.segment, k.region
