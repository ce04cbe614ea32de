-- grain: one row per account that has a discount exception
-- key: account_id
-- description: An account's precedent is its first exception by close_date (ties by deal_id).
with exceptions as (
    select * from int_deals_enriched where is_exception
)

select
    account_id,
    deal_id,
    close_date,
    discount_pct,
    rep_id,
    is_late_quarter
from exceptions
qualify row_number() over (partition by account_id order by close_date, deal_id) = 1
