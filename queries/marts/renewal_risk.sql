-- grain: one row per contract ending within 180 days after as_of and not yet renewed
-- key: contract_id
-- incremental: {key: account_id, from: int_renewal_risk_accounts}
-- description: >
--   Renewals coming up and how likely each is to be lost, scored from what is known on as_of:
--   escalations, scope questions, disputes, credit notes, late payments, scope ambiguity,
--   discount anchoring and auto-renewal, weighted by risk_weights (see int_renewal_risk_scores
--   and docs/metrics.md). reasons names the top contributing factors and next_step what to do
--   about the first; arr_at_risk (ARR x risk) ranks them in dollars.
-- columns:
--   days_to_renewal: end_date - as_of
--   risk_score: 0-100, 100 * sum(weight * factor) / sum(weight)
--   risk_tier: low, medium or high by the thresholds in precedent_settings
--   reasons: the top contributing factors in plain words
--   arr_at_risk: arr * risk_score / 100, in the base currency (the default ranking of renewals)
--   owner_rep_id: the account's owner, the rep of its latest won deal closed by as_of
--   owner_name: the owner's name
--   next_step: a suggested next step derived from the top reason (docs/metrics.md lists them)
-- tests:
--   - not_null: [account_id, end_date, arr, risk_score, risk_tier, arr_at_risk, next_step]
--   - accepted_values: {column: risk_tier, values: [low, medium, high]}
--   - assert: select * from renewal_risk where days_to_renewal < 0 or days_to_renewal > 180
select
    r.contract_id,
    r.account_id,
    r.account_name,
    r.segment,
    r.region,
    r.end_date,
    (r.end_date - s.as_of)::integer as days_to_renewal,
    r.arr,
    r.risk_score,
    r.risk_tier,
    r.reasons,
    r.arr_at_risk,
    r.owner_rep_id,
    r.owner_name,
    r.next_step,
    r.escalations,
    r.scope_questions,
    r.disputes,
    r.credit_notes,
    r.late_payments,
    r.ambiguity_score,
    r.is_anchored,
    r.auto_renew,
    r.contributions
from int_renewal_risk_accounts r
cross join precedent_settings s
where r.purpose = 'current' and precedent_changed(r.account_id)
  and r.end_date <= s.as_of + 180
