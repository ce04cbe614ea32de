-- grain: one row per renewal pair (a won renewal and its prior deal)
-- key: renewal_deal_id
-- description: >
--   How much of the prior discount each renewal kept, and whether it stayed anchored to the
--   account's precedent. A renewal is anchored when the account had a precedent closed before
--   it and renewal_discount_pct >= precedent_discount_pct - 0.02.
-- columns:
--   prior_deal_id: the latest won new or renewal deal of the account closed before the renewal
--   precedent_deal_id: the account's first exception, when it closed before the renewal
--   is_anchored: renewal_discount_pct >= precedent_discount_pct - 0.02; null without a precedent
-- tests:
--   - not_null: [account_id, prior_deal_id, segment]
--   - relationships: {column: prior_deal_id, to: deal_discounts.deal_id}
select
    renewal_deal_id,
    account_id,
    segment,
    rep_id,
    renewal_close_date,
    prior_deal_id,
    prior_close_date,
    prior_discount_pct,
    renewal_discount_pct,
    renewal_discount_pct - prior_discount_pct as discount_change,
    precedent_deal_id,
    precedent_close_date,
    precedent_discount_pct,
    case when precedent_deal_id is not null then renewal_discount_pct >= precedent_discount_pct - 0.02 end as is_anchored
from int_renewal_pairs
