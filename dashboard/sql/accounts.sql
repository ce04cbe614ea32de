-- Accounts, searched by name or id.
select account_id, account_name, segment, region, status, current_arr::double as current_arr, next_renewal_date,
       risk_tier, exceptions, escalations_365d, disputed_invoices, count(*) over () as total
from account_summary
where ($q = '' or account_name ilike '%' || $q || '%' or account_id ilike $q || '%')
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
order by current_arr desc, account_name
limit $limit offset $offset
