-- Renewal pairs: prior against renewal discount, with the fitted line.
with pairs as (
    select a.*, d.fiscal_quarter, d.team, d.region
    from renewal_anchoring a
    join deal_discounts d on d.deal_id = a.renewal_deal_id
    where a.prior_discount_pct is not null and a.renewal_discount_pct is not null
      and ($segment = '' or a.segment = $segment)
      and ($region = '' or d.region = $region)
      and ($team = '' or d.team = $team)
      and ($rep = '' or a.rep_id = $rep)
      and ($quarter_from = '' or d.fiscal_quarter >= $quarter_from)
      and ($quarter_to = '' or d.fiscal_quarter <= $quarter_to)
),
fit as (
    select regr_slope(renewal_discount_pct, prior_discount_pct) as slope,
           regr_intercept(renewal_discount_pct, prior_discount_pct) as intercept,
           min(prior_discount_pct) as x0, max(prior_discount_pct) as x1, count(*) as n
    from pairs
)
select p.renewal_deal_id, p.account_id, p.segment, p.prior_discount_pct, p.renewal_discount_pct,
       f.slope, f.intercept, f.x0, f.x1, f.n
from (select * from pairs order by renewal_deal_id limit 3000) p, fit f
