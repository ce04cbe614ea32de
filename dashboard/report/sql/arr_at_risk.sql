-- ARR renewing within 90 days after each week's end, by risk tier. With $historic (the weekly
-- risk history covers both weeks), each week's renewals are those then due and not yet
-- renewed, scored as of that week's end; otherwise both weeks use the current scores.
with w as (
    select 'this' as period, $to::date as d
    union all
    select 'prev', $from::date
),

scored as (
    select w.period, r.contract_id, r.arr, r.risk_tier
    from w join renewal_risk_weekly r on $historic and r.week_end = w.d - 1
    union all
    select w.period, r.contract_id, r.arr, r.risk_tier
    from w join renewal_risk r on not $historic and r.end_date >= w.d and r.end_date < w.d + 90
)

select w.period, t.tier as risk_tier, coalesce(sum(r.arr), 0)::double as arr, count(r.contract_id) as contracts
from w
cross join (values ('high'), ('medium'), ('low')) t(tier)
left join scored r on r.period = w.period and r.risk_tier = t.tier
group by w.period, t.tier
order by w.period desc, list_position(['high', 'medium', 'low'], t.tier)
