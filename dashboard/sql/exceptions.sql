-- The exception register, filtered, sorted and paged.
select account_id, account_name, segment, region, kind, source_entity, source_id, occurred_date, rep_id, description, amount_impact, severity, impact_definition,
       count(*) over () as total
from exception_register
where ($kind = '' or kind = $kind)
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($rep = '' or rep_id = $rep)
  and ($q = '' or description ilike '%' || $q || '%' or account_name ilike '%' || $q || '%')
order by
  case when $sort = 'date' and $dir = 'asc' then occurred_date end asc,
  case when $sort = 'date' and $dir = 'desc' then occurred_date end desc,
  case when $sort = 'amount' and $dir = 'asc' then amount_impact end asc nulls last,
  case when $sort = 'amount' and $dir = 'desc' then amount_impact end desc nulls last,
  case when $sort = 'account' and $dir = 'asc' then account_name end asc,
  case when $sort = 'account' and $dir = 'desc' then account_name end desc,
  case when $sort = 'kind' and $dir = 'asc' then kind end asc,
  case when $sort = 'kind' and $dir = 'desc' then kind end desc,
  case when $sort = 'severity' and $dir = 'asc' then list_position(['low', 'medium', 'high'], severity) end asc,
  case when $sort = 'severity' and $dir = 'desc' then list_position(['low', 'medium', 'high'], severity) end desc,
  case when $sort = 'severity' then amount_impact end desc nulls last,
  occurred_date desc, kind, source_id
limit $limit offset $offset
