-- Mean discount of won deals by days before the fiscal quarter's end.
select
    days_to_quarter_end,
    avg(discount_pct) as discount,
    count(*) as deals,
    count(*) filter (where is_exception) as exceptions
from deal_discounts
where discount_pct is not null
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($team = '' or team = $team)
  and ($rep = '' or rep_id = $rep)
  and ($quarter_from = '' or fiscal_quarter >= $quarter_from)
  and ($quarter_to = '' or fiscal_quarter <= $quarter_to)
group by days_to_quarter_end
order by days_to_quarter_end
