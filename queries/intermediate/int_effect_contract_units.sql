-- grain: one row per contract-based headline effect and contract it is measured on, before pooling into strata
-- key: [metric, unit_id]
-- incremental: {key: unit_id, from: contract_scope, from_key: contract_id}
-- description: >
--   The contracts behind the three contract-based effects of int_effect_units (the scope
--   escalation and scope question rate ratios, the ambiguity-escalation correlation), with the
--   cell they are counted in: segment, region and term band. int_effect_units pools them into
--   strata with the deals and invoices of the other effects; they are a model of their own so
--   that a run where only tickets changed pools only these metrics again.
-- columns:
--   metric: scope_escalation_rate_ratio, scope_question_rate_ratio or ambiguity_escalation_spearman
--   unit_id: contract_id
--   band: the contract's term (up to 12 months, 13-24 months, over 24 months)
--   treated: in the most ambiguous fifth of its segment, against the clearest fifth; null for the correlation
--   outcome: escalations or scope_questions; escalations per exposure year for the correlation
--   exposure: exposure_years
--   x: ambiguity_score for the correlation, else null
-- tests:
--   - not_null: [metric, unit_id, segment, region, band, outcome, exposure]
with settings as (
    select * from precedent_settings
),

-- The fifths rank the contracts with exposure (started by as_of, and a day
-- or more of term before it) by their scope's ambiguity: nothing in
-- contract_scope's activity moves them, so an update in place by contract
-- ranks on these columns and counts the changed contracts only.
ranked as (
    select
        f.contract_id,
        a.segment,
        coalesce(a.region, 'unknown') as region,
        case
            when c.end_date - c.start_date <= 366 then 'term up to 12 months'
            when c.end_date - c.start_date <= 731 then 'term 13-24 months'
            else 'term over 24 months'
        end as band,
        ntile(5) over (partition by a.segment order by f.ambiguity_score, f.contract_id) as fifth,
        f.ambiguity_score
    from int_contract_scope_features f
    join stg_contracts c on c.contract_id = f.contract_id
    join stg_accounts a on a.account_id = c.account_id
    cross join settings s
    where c.start_date <= s.as_of and least(c.end_date, s.as_of) > c.start_date
),

contracts as (
    select r.*, s.exposure_years, s.escalations, s.scope_questions
    from ranked r
    join contract_scope s on s.contract_id = r.contract_id
    where precedent_changed(r.contract_id)
)

select 'scope_escalation_rate_ratio' as metric, contract_id as unit_id, segment, region, band, fifth = 5 as treated, escalations::double as outcome, exposure_years as exposure, null::double as x
from contracts
where fifth in (1, 5)
union all
select 'scope_question_rate_ratio', contract_id, segment, region, band, fifth = 5, scope_questions::double, exposure_years, null
from contracts
where fifth in (1, 5)
union all
select 'ambiguity_escalation_spearman', contract_id, segment, region, band, null, escalations / exposure_years, exposure_years, ambiguity_score
from contracts
