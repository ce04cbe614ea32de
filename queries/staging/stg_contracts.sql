-- grain: one row per contract
-- key: contract_id
-- description: Contracts with their term and scope text.
-- tests:
--   - not_null: [account_id, start_date, end_date, arr]
--   - assert: select * from stg_contracts where end_date <= start_date
select
    contract_id,
    account_id,
    deal_id,
    start_date,
    end_date,
    arr,
    currency,
    auto_renew,
    renews_contract_id,
    signed_date,
    scope_text,
    has_side_letter
from contracts
