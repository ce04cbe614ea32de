-- grain: one row per ambiguity quintile
-- key: ambiguity_quintile
-- description: >
--   Escalations, scope questions and billing disputes per exposure year by ambiguity quintile,
--   over contracts started by as_of. Rates are events per exposure year; rate ratios compare a
--   quintile with quintile 1 (the clearest) and their 95% confidence intervals come from the
--   Poisson log rate ratio: exp(ln(RR) +- 1.96 * sqrt(1/a + 1/b)), with a and b the event counts.
-- columns:
--   exposure_years: sum of the contracts' exposure years
--   escalations_per_year: escalated tickets / exposure_years
--   escalations_ci_low: lower 95% bound of escalations_per_year (Poisson, log scale)
--   escalations_ci_high: upper 95% bound of escalations_per_year
--   median_days_to_first_escalation: median over contracts with an escalation
--   rate_ratio_vs_q1: escalations_per_year / quintile 1's
--   ci_low: lower 95% bound of rate_ratio_vs_q1
--   ci_high: upper 95% bound of rate_ratio_vs_q1
--   scope_question_rate_ratio_vs_q1: scope_questions_per_year / quintile 1's
-- tests:
--   - not_null: [contracts, exposure_years, escalations]
with contracts as (
    select a.*, s.ambiguity_quintile, s.ambiguity_score
    from int_contract_activity a
    join contract_scope s on s.contract_id = a.contract_id
    where s.ambiguity_quintile is not null
),

quintiles as (
    select
        ambiguity_quintile,
        count(*) as contracts,
        min(ambiguity_score) as min_ambiguity_score,
        max(ambiguity_score) as max_ambiguity_score,
        sum(exposure_years) as exposure_years,
        sum(tickets) as tickets,
        sum(escalations) as escalations,
        sum(scope_questions) as scope_questions,
        sum(billing_disputes) as billing_disputes,
        median(days_to_first_escalation) as median_days_to_first_escalation,
        count(first_escalation_date) as contracts_escalated
    from contracts
    group by ambiguity_quintile
),

q1 as (
    select * from quintiles where ambiguity_quintile = 1
)

select
    q.ambiguity_quintile,
    q.contracts,
    q.min_ambiguity_score,
    q.max_ambiguity_score,
    q.exposure_years,
    q.tickets,
    q.escalations,
    q.escalations / nullif(q.exposure_years, 0) as escalations_per_year,
    escalations_per_year * exp(-1.96 / sqrt(nullif(q.escalations, 0))) as escalations_ci_low,
    escalations_per_year * exp(1.96 / sqrt(nullif(q.escalations, 0))) as escalations_ci_high,
    q.scope_questions,
    q.scope_questions / nullif(q.exposure_years, 0) as scope_questions_per_year,
    q.billing_disputes,
    q.billing_disputes / nullif(q.exposure_years, 0) as billing_disputes_per_year,
    q.contracts_escalated,
    q.median_days_to_first_escalation,
    escalations_per_year / nullif(q1.escalations / nullif(q1.exposure_years, 0), 0) as rate_ratio_vs_q1,
    rate_ratio_vs_q1 * exp(-1.96 * sqrt(1.0 / nullif(q.escalations, 0) + 1.0 / nullif(q1.escalations, 0))) as ci_low,
    rate_ratio_vs_q1 * exp(1.96 * sqrt(1.0 / nullif(q.escalations, 0) + 1.0 / nullif(q1.escalations, 0))) as ci_high,
    scope_questions_per_year / nullif(q1.scope_questions / nullif(q1.exposure_years, 0), 0) as scope_question_rate_ratio_vs_q1,
    scope_question_rate_ratio_vs_q1 * exp(-1.96 * sqrt(1.0 / nullif(q.scope_questions, 0) + 1.0 / nullif(q1.scope_questions, 0))) as scope_question_ci_low,
    scope_question_rate_ratio_vs_q1 * exp(1.96 * sqrt(1.0 / nullif(q.scope_questions, 0) + 1.0 / nullif(q1.scope_questions, 0))) as scope_question_ci_high
from quintiles q
cross join q1
order by q.ambiguity_quintile
