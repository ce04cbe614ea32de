-- grain: one row per contract ending within 180 days after as_of and not yet renewed
-- key: contract_id
-- description: >
--   Renewals coming up and how likely each is to be lost, scored from what is known on as_of:
--   escalations, scope questions, disputes, credit notes, late payments, scope ambiguity,
--   discount anchoring and auto-renewal, weighted by risk_weights (see int_renewal_risk_scores
--   and docs/metrics.md). reasons names the top contributing factors.
-- columns:
--   days_to_renewal: end_date - as_of
--   risk_score: 0-100, 100 * sum(weight * factor) / sum(weight)
--   risk_tier: low, medium or high by the thresholds in precedent_settings
--   reasons: the top contributing factors in plain words
-- tests:
--   - not_null: [account_id, end_date, arr, risk_score, risk_tier]
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
where r.purpose = 'current'
