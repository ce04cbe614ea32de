-- Contracted, invoiced and credited money per fiscal quarter.
select
    fiscal_quarter,
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
