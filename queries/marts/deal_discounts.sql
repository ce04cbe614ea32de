-- grain: one row per won deal closed by as_of
-- key: deal_id
-- description: >
--   Won deals with their discount, fiscal timing and whether they broke the discount policy of
--   their segment. The base of every discount analysis.
-- columns:
--   discount_pct: 1 - net_amount / list_amount; null when list_amount = 0
--   fiscal_quarter: FY<year>-Q<n> of the close date
--   days_to_quarter_end: last day of the close date's fiscal quarter minus close_date
--   is_late_quarter: days_to_quarter_end < late_quarter_days
--   policy_max_pct: the discount policy maximum of the account's segment
--   is_exception: discount_pct > policy_max_pct
-- tests:
--   - not_null: [account_id, segment, close_date, fiscal_quarter, days_to_quarter_end, is_late_quarter, policy_max_pct]
--   - accepted_values: {column: deal_type, values: [new, renewal, expansion]}
--   - relationships: {column: account_id, to: stg_accounts.account_id}
--   - assert: select * from deal_discounts where is_exception and not (discount_pct > policy_max_pct)
select
    deal_id,
    account_id,
    account_name,
    rep_id,
    rep_name,
    team,
    segment,
    region,
    deal_type,
    close_date,
    fiscal_year,
    fiscal_quarter,
    quarter_end,
    days_to_quarter_end,
    is_late_quarter,
    list_amount,
    net_amount,
    discount_pct,
    policy_max_pct,
    is_exception,
    approval_level,
    approved_at,
    discount_reason,
    precedent_deal_id
from int_deals_enriched
where stage = 'won'
