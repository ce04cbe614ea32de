-- grain: one row per won renewal deal that has a prior deal
-- key: renewal_deal_id
-- description: >
--   Each won renewal R with its prior deal P: the latest won deal of the same account with
--   deal_type new or renewal and close_date before R's (on a tie in close_date, the greatest
--   deal_id). When the account's precedent (its first exception) closed before R, it is joined.
with won as (
    select * from int_deals_enriched where stage = 'won'
),

pairs as (
    select
        r.deal_id as renewal_deal_id,
        r.account_id,
        r.segment,
        r.rep_id,
        r.close_date as renewal_close_date,
        r.discount_pct as renewal_discount_pct,
        p.deal_id as prior_deal_id,
        p.close_date as prior_close_date,
        p.discount_pct as prior_discount_pct
    from won r
    join won p
        on p.account_id = r.account_id
        and p.deal_type in ('new', 'renewal')
        and p.close_date < r.close_date
    where r.deal_type = 'renewal'
    qualify row_number() over (partition by r.deal_id order by p.close_date desc, p.deal_id desc) = 1
)

select
    pairs.*,
    pr.deal_id as precedent_deal_id,
    pr.close_date as precedent_close_date,
    pr.discount_pct as precedent_discount_pct
from pairs
left join int_account_precedents pr
    on pr.account_id = pairs.account_id
    and pr.close_date < pairs.renewal_close_date
