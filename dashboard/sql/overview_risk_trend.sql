-- ARR due within 90 days after each week's end of the risk history (renewal_risk_weekly), by
-- risk tier as scored at that week's end.
select w.week_end, w.iso_week, t.tier as risk_tier, coalesce(sum(r.arr), 0)::double as arr
from risk_weeks w
cross join (values ('high'), ('medium'), ('low')) t(tier)
left join renewal_risk_weekly r
    on r.week_end = w.week_end
    and r.risk_tier = t.tier
    and ($segment = '' or r.segment = $segment)
    and ($region = '' or r.region = $region)
group by all
order by w.week_end, t.tier
