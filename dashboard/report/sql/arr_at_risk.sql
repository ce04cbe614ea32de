-- ARR renewing within 90 days after each week's end, by risk tier. When the weekly risk
-- history (renewal_risk_weekly) covers both weeks, each week's renewals are those then due and
-- not yet renewed, scored as of that week's end; otherwise both weeks use the current scores.
with w as (
    select 'this' as period, $to::date as d
    union all
    select 'prev', $from::date
),

src as (
    select w.*, (select count(*) = 2 from int_risk_weeks k where k.week_end in ($to::date - 1, $from::date - 1)) as historic
    from w
),

scored as (
    select s.period, r.contract_id, r.arr, r.risk_tier
    from src s join renewal_risk_weekly r on s.historic and r.week_end = s.d - 1
    union all
    select s.period, r.contract_id, r.arr, r.risk_tier
    from src s join renewal_risk r on not s.historic and r.end_date >= s.d and r.end_date < s.d + 90
)

select s.period, t.tier as risk_tier, coalesce(sum(r.arr), 0)::double as arr, count(r.contract_id) as contracts, s.historic
from src s
cross join (values ('high'), ('medium'), ('low')) t(tier)
left join scored r on r.period = s.period and r.risk_tier = t.tier
group by s.period, t.tier, s.historic
order by s.period desc, list_position(['high', 'medium', 'low'], t.tier)
