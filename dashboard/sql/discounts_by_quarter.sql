-- Discount exceptions per fiscal quarter, late-quarter or not.
select
    fiscal_quarter,
    count(*) filter (where is_exception and is_late_quarter) as late,
    count(*) filter (where is_exception and not is_late_quarter) as other,
    count(*) as deals
from deal_discounts
where ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($team = '' or team = $team)
  and ($rep = '' or rep_id = $rep)
  and ($quarter_from = '' or fiscal_quarter >= $quarter_from)
  and ($quarter_to = '' or fiscal_quarter <= $quarter_to)
group by fiscal_quarter
order by fiscal_quarter
