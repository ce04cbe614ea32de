-- grain: one row per account
-- key: account_id
-- materialized: view
-- description: Accounts as loaded, without load lineage.
-- tests:
--   - not_null: [account_name, segment]
--   - accepted_values: {column: segment, values: [enterprise, mid_market, smb]}
select
    account_id,
    account_name,
    segment,
    region,
    industry,
    created_date
from accounts
