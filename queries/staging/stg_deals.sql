-- grain: one row per deal (opportunity), any stage
-- key: deal_id
-- materialized: view
-- incremental: {key: deal_id, from: deals}
-- description: Deals with their discount, amounts in the base currency. discount_pct is 1 - net_amount / list_amount rounded to 6 decimals (so 15% is 0.15, not 0.15000000000000002), null when list_amount is 0; it is taken from the original amounts, so converting does not move it.
-- columns:
--   list_amount: total at list price, in the base currency
--   net_amount: total after discounts, in the base currency
--   currency: the currency the deal was sold in
--   list_amount_original: list_amount as the source wrote it, in currency
--   net_amount_original: net_amount as the source wrote it, in currency
--   fx_rate: the rate that converted currency to the base currency (1 for the base currency)
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
    case when list_amount_original > 0 then round(1 - net_amount_original::double / list_amount_original::double, 6) end as discount_pct,
    currency,
    list_amount_original,
    net_amount_original,
    fx_rate,
    term_months,
    approval_level,
    approved_at,
    discount_reason,
    precedent_deal_id
from deals
