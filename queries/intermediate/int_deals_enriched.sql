-- grain: one row per deal, open or closed by as_of
-- key: deal_id
-- incremental: {key: deal_id, from: stg_deals, as_of: close_date}
-- description: >
--   Deals with their account's segment and region, the rep's team, the fiscal quarter of the
--   close date and whether the deal is a discount exception. Deals closed after as_of are left
--   out: every model computes what was known on as_of.
-- columns:
--   fiscal_year: the fiscal year of the close date, named by the calendar year it ends in
--   fiscal_quarter: FY<year>-Q<n>; fiscal years start at fiscal_year_start_month
--   quarter_end: the last day of the close date's fiscal quarter
--   days_to_quarter_end: quarter_end - close_date, in days
--   is_late_quarter: days_to_quarter_end < late_quarter_days
--   policy_max_pct: the discount policy maximum of the account's segment
--   is_exception: a won deal whose discount_pct exceeds policy_max_pct
-- tests:
--   - relationships: {column: account_id, to: stg_accounts.account_id}
--   - assert: select * from int_deals_enriched where days_to_quarter_end < 0 or days_to_quarter_end > 92
with settings as (
    select * from precedent_settings
),

deals as (
    select d.*
    from stg_deals d, settings s
    where (d.close_date is null or d.close_date <= s.as_of)
      -- every deal, or in an update in place the changed ones: each
      -- deal's row reads only its own, its account, its rep and the
      -- settings.
      and precedent_changed(d.deal_id)
),

calendar as (
    select
        d.deal_id,
        (month(d.close_date) - s.fiscal_year_start_month + 12) % 12 as months_into_year,
        (date_trunc('month', d.close_date) - to_months(months_into_year % 3))::date as quarter_start,
        (date_trunc('month', d.close_date) - to_months(months_into_year))::date as year_start
    from deals d, settings s
    where d.close_date is not null
),

final as (
    select
        d.deal_id,
        d.account_id,
        a.account_name,
        a.segment,
        a.region,
        d.rep_id,
        r.rep_name,
        coalesce(r.team, 'Unassigned') as team,
        d.deal_type,
        d.stage,
        d.created_date,
        d.close_date,
        year(c.year_start + interval 11 month) as fiscal_year,
        c.months_into_year // 3 + 1 as fiscal_quarter_number,
        'FY' || year(c.year_start + interval 11 month) || '-Q' || (c.months_into_year // 3 + 1) as fiscal_quarter,
        c.quarter_start,
        last_day(c.quarter_start + interval 2 month) as quarter_end,
        (last_day(c.quarter_start + interval 2 month) - d.close_date)::integer as days_to_quarter_end,
        (last_day(c.quarter_start + interval 2 month) - d.close_date) < s.late_quarter_days as is_late_quarter,
        d.list_amount,
        d.net_amount,
        d.discount_pct,
        p.max_discount_pct as policy_max_pct,
        coalesce(d.stage = 'won' and d.discount_pct > p.max_discount_pct, false) as is_exception,
        d.approval_level,
        d.approved_at,
        d.discount_reason,
        d.precedent_deal_id,
        d.term_months
    from deals d
    cross join settings s
    left join calendar c on c.deal_id = d.deal_id
    left join stg_accounts a on a.account_id = d.account_id
    left join stg_reps r on r.rep_id = d.rep_id
    left join discount_policy p on p.segment = a.segment
)

select * from final
