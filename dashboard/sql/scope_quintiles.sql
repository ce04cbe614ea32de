-- Escalations and scope questions per exposure year by ambiguity quintile,
-- over the filtered contracts (quintiles stay those of all contracts).
with c as (
    select *
    from contract_scope
    where ambiguity_quintile is not null
      and ($segment = '' or segment = $segment)
      and ($region = '' or region = $region)
),
q as (
    select
        ambiguity_quintile,
        count(*) as contracts,
        sum(exposure_years) as exposure_years,
        sum(escalations) as escalations,
        sum(scope_questions) as scope_questions,
        median(days_to_first_escalation) as median_days_to_first_escalation
    from c
    group by ambiguity_quintile
)
select
    ambiguity_quintile,
    contracts,
    exposure_years,
    escalations,
    escalations / nullif(exposure_years, 0) as escalations_per_year,
    escalations_per_year * exp(-1.96 / sqrt(nullif(escalations, 0))) as ci_low,
    escalations_per_year * exp(1.96 / sqrt(nullif(escalations, 0))) as ci_high,
    scope_questions / nullif(exposure_years, 0) as scope_questions_per_year,
    median_days_to_first_escalation
from q
order by ambiguity_quintile
