-- ARR renewing within 90 days after each week's end, by risk tier (current scores).
with w as (
    select 'this' as period, $to::date as d
    union all
    select 'prev', $from::date
),
sums as (
    select w.period, t.tier as risk_tier, coalesce(sum(r.arr), 0)::double as arr, count(r.contract_id) as contracts
    from w
    cross join (values ('high'), ('medium'), ('low')) t(tier)
    left join renewal_risk r on r.risk_tier = t.tier and r.end_date >= w.d and r.end_date < w.d + 90
    group by w.period, t.tier
)
select * from sums
order by period desc, list_position(['high', 'medium', 'low'], risk_tier)
