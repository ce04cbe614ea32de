-- Accounts, searched by name or id, with every account's next renewal and its risk whatever
-- the horizon; sorted by $sort: arr (current ARR, largest first), risk (risk score, highest
-- first) or renewal (next renewal date, soonest first). Accounts with no renewal come last.
select account_id, account_name, segment, region, status, current_arr::double as current_arr, next_renewal_date,
       days_to_renewal, risk_tier, risk_score, arr_at_risk::double as arr_at_risk, owner_name,
       exceptions, escalations_365d, disputed_invoices, count(*) over () as total
from account_summary
where ($q = '' or account_name ilike '%' || $q || '%' or account_id ilike $q || '%')
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
order by
  case when $sort = 'risk' then risk_score end desc nulls last,
  case when $sort = 'renewal' then next_renewal_date end asc nulls last,
  current_arr desc,
  account_name,
  account_id
limit $limit offset $offset
