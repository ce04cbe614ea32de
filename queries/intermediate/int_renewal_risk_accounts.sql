-- grain: one row per contract, purpose and cut-off of int_renewal_risk_scores
-- key: [contract_id, purpose, cutoff]
-- description: >
--   The renewal risk scores with the name, segment and region of their account: what the three
--   renewal-risk marts (renewal_risk, renewal_risk_weekly, renewal_risk_backtest) show of each
--   score, joined once.
-- columns:
--   account_name: the account's name
--   segment: the account's segment
--   region: the account's region
select r.*, a.account_name, a.segment, a.region
from int_renewal_risk_scores r
left join stg_accounts a on a.account_id = r.account_id
