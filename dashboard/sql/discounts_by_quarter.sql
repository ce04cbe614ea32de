-- Discount exceptions per fiscal quarter, late-quarter or not; is_to_date
-- marks the quarter as_of falls in before its last day (still unfinished).
select
    fiscal_quarter,
    max(close_date + days_to_quarter_end) > any_value((select as_of from precedent_settings)) as is_to_date,
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
