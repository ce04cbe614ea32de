-- The accounts that drive billing leakage: each account's leakage to date
-- (contracted_to_date - (invoiced - credited) over its contracts,
-- billing_reconciliation) with its billing configurations, largest first.
select
    r.account_id,
    any_value(a.account_name) as account_name,
    sum(r.leakage)::double as leakage,
    sum(r.contracted_to_date)::double as contracted_to_date,
    string_agg(distinct r.billing_config_ids, ', ') as billing_configs,
    bool_or(r.shares_billing_config) as shares_billing_config,
    count(*) as contracts
from billing_reconciliation r
join account_summary a on a.account_id = r.account_id
where ($segment = '' or a.segment = $segment)
  and ($region = '' or a.region = $region)
group by r.account_id
having sum(r.leakage) > 0
order by leakage desc, r.account_id
limit 12
