-- ARR renewing within 30, 60, 90 and 180 days of as_of, by risk tier.
with w as (select unnest([30, 60, 90, 180]) as days)
select w.days, r.risk_tier, coalesce(sum(r.arr), 0)::double as arr, count(r.contract_id) as contracts
from w
left join renewal_risk r
    on r.days_to_renewal <= w.days
    and ($segment = '' or r.segment = $segment)
    and ($region = '' or r.region = $region)
group by all
order by w.days, r.risk_tier
