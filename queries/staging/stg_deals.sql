-- grain: one row per deal (opportunity), any stage
-- key: deal_id
-- description: Deals with their discount. discount_pct is 1 - net_amount / list_amount rounded to 6 decimals (so 15% is 0.15, not 0.15000000000000002), null when list_amount is 0.
-- columns:
--   discount_pct: round(1 - net_amount / list_amount, 6); null when list_amount = 0
-- tests:
--   - not_null: [account_id, deal_type, stage]
--   - accepted_values: {column: stage, values: [won, lost, open]}
--   - assert: select * from stg_deals where discount_pct > 1
select
    deal_id,
    account_id,
    rep_id,
    deal_type,
    stage,
    created_date,
    close_date,
    list_amount,
    net_amount,
    case when list_amount > 0 then round(1 - net_amount::double / list_amount::double, 6) end as discount_pct,
    currency,
    term_months,
    approval_level,
    approved_at,
    discount_reason,
    precedent_deal_id
from deals
