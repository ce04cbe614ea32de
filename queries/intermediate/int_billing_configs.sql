-- grain: one row per billing configuration
-- key: billing_config_id
-- description: How many accounts each billing configuration serves; used by 2 or more, it is shared (copied across accounts).
select
    billing_config_id,
    count(distinct account_id) as accounts,
    count(*) as invoices,
    count(distinct account_id) >= 2 as is_shared,
    min(issued_date) as first_issued_date
from stg_invoices i, precedent_settings s
where billing_config_id is not null and i.issued_date <= s.as_of
group by billing_config_id
