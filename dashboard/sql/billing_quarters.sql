-- Contracted, invoiced and credited money per fiscal quarter; is_to_date
-- marks the quarter as_of falls in before its last day (still unfinished).
select
    fiscal_quarter,
    any_value(quarter_start) + interval 3 month - interval 1 day > any_value((select as_of from precedent_settings)) as is_to_date,
    sum(contracted)::double as contracted,
    sum(invoiced)::double as invoiced,
    sum(credited)::double as credited,
    sum(leakage)::double as leakage
from billing_quarterly
where ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($quarter_from = '' or fiscal_quarter >= $quarter_from)
  and ($quarter_to = '' or fiscal_quarter <= $quarter_to)
group by fiscal_quarter
order by fiscal_quarter
