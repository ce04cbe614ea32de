-- grain: one row per contract
-- key: contract_id
-- materialized: view
-- description: Contracts with their term and scope text, ARR in the base currency.
-- columns:
--   arr: annual recurring revenue, in the base currency
--   currency: the currency of the contract
--   arr_original: arr as the source wrote it, in currency
--   fx_rate: the rate that converted currency to the base currency (1 for the base currency)
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
    arr_original,
    fx_rate,
    auto_renew,
    renews_contract_id,
    signed_date,
    scope_text,
    has_side_letter
from contracts
