-- Dispute rates of invoices on shared and single-account billing configs.
select
    case when is_shared_config then 'shared by 2+ accounts' else 'one account' end as config,
    count(*) as invoices,
    count(*) filter (where is_disputed) as disputed,
    avg(is_disputed::int) as dispute_rate,
    sum(credited)::double as credited
from invoice_disputes
where billing_config_id is not null
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
  and ($quarter_from = '' or fiscal_quarter >= $quarter_from)
  and ($quarter_to = '' or fiscal_quarter <= $quarter_to)
group by all
order by config
