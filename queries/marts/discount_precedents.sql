-- grain: one row per exception deal (a won deal whose discount exceeds its segment's policy maximum)
-- key: deal_id
-- description: >
--   Every discount exception and how far it spread: later renewals of the same account that kept
--   its discount (within 2 points of it, or above), later exceptions by the same rep, and deals
--   that cite it as their precedent.
-- columns:
--   is_account_precedent: the account's first exception by close_date (ties by deal_id)
--   anchored_renewals: later won renewals of the account with discount_pct >= this discount - 0.02
--   later_renewals: all later won renewals of the account
--   rep_followers: the rep's later exceptions
--   cited_by: deals (any stage) whose precedent_deal_id is this deal
-- tests:
--   - not_null: [account_id, discount_pct, anchored_renewals, rep_followers, cited_by]
--   - assert: select * from discount_precedents where anchored_renewals > later_renewals
with exceptions as (
    select * from deal_discounts where is_exception
),

renewals as (
    select
        e.deal_id,
        count(r.deal_id) as later_renewals,
        count(r.deal_id) filter (where r.discount_pct >= e.discount_pct - 0.02) as anchored_renewals
    from exceptions e
    left join deal_discounts r
        on r.account_id = e.account_id
        and r.deal_type = 'renewal'
        and r.close_date > e.close_date
    group by e.deal_id
),

followers as (
    -- The rep's exceptions after this one: all of the rep's, less those up to it.
    select
        deal_id,
        case when rep_id is null then 0
             else count(*) over (partition by rep_id) - row_number() over (partition by rep_id order by close_date, deal_id)
        end as rep_followers
    from exceptions
),

citations as (
    select precedent_deal_id as deal_id, count(*) as cited_by
    from int_deals_enriched
    where precedent_deal_id is not null
    group by precedent_deal_id
)

select
    e.deal_id,
    e.account_id,
    e.account_name,
    e.rep_id,
    e.rep_name,
    e.team,
    e.segment,
    e.region,
    e.deal_type,
    e.close_date,
    e.fiscal_quarter,
    e.discount_pct,
    e.policy_max_pct,
    e.is_late_quarter,
    e.approval_level,
    p.deal_id is not null as is_account_precedent,
    r.anchored_renewals,
    r.later_renewals,
    f.rep_followers,
    coalesce(c.cited_by, 0) as cited_by
from exceptions e
join renewals r on r.deal_id = e.deal_id
join followers f on f.deal_id = e.deal_id
left join int_account_precedents p on p.deal_id = e.deal_id
left join citations c on c.deal_id = e.deal_id
