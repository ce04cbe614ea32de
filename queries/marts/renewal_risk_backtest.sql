-- grain: one row per contract that ended in the two years before as_of
-- key: contract_id
-- incremental: {key: account_id, from: int_renewal_risk_accounts}
-- description: >
--   The renewal risk score computed for past renewals from data dated at least 90 days before
--   each contract's end_date (the cut-off), next to what happened: renewed when a contract
--   renews it, else churned. Nothing dated after the cut-off enters the score; a dispute is
--   dated by its invoice's issued_date, as its own date is not recorded.
-- columns:
--   cutoff: end_date - 90 days
--   outcome: renewed or churned
-- tests:
--   - not_null: [account_id, end_date, risk_score, outcome]
--   - accepted_values: {column: outcome, values: [renewed, churned]}
--   - assert: select * from renewal_risk_backtest where cutoff <> end_date - 90
with renewed as (
    select distinct renews_contract_id as contract_id
    from stg_contracts
    where renews_contract_id is not null
)

select
    r.contract_id,
    r.account_id,
    r.account_name,
    r.segment,
    r.region,
    r.end_date,
    r.cutoff,
    r.arr,
    r.risk_score,
    r.risk_tier,
    r.reasons,
    r.escalations,
    r.scope_questions,
    r.disputes,
    r.credit_notes,
    r.late_payments,
    r.ambiguity_score,
    r.is_anchored,
    r.auto_renew,
    case when n.contract_id is not null then 'renewed' else 'churned' end as outcome
from int_renewal_risk_accounts r
left join renewed n on n.contract_id = r.contract_id
where r.purpose = 'backtest' and precedent_changed(r.account_id)
