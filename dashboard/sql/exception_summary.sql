-- The exception register summed up: rows, rows by severity and impact in
-- dollars for each kind, with the register's filters.
select
    kind,
    count(*) as n,
    count(*) filter (where severity = 'high') as high,
    count(*) filter (where severity = 'medium') as medium,
    count(*) filter (where severity = 'low') as low,
    sum(amount_impact)::double as impact,
    any_value(impact_definition) as impact_definition
from exception_register
where ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($rep = '' or rep_id = $rep)
group by kind
order by impact desc nulls last, n desc, kind
