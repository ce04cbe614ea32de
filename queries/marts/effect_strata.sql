-- grain: one row per adjusted headline effect and stratum
-- key: [metric, stratum]
-- description: >
--   Each segment-adjusted headline effect inside each stratum it is compared within (see
--   int_effect_units for the strata), with the counts the pooled estimate in effect_estimates
--   is built from. Read it to see whether an effect holds in every segment or comes from a few.
-- columns:
--   segment: the stratum's segment
--   units: units in the stratum (deals, contracts or invoices)
--   units_treated: late-quarter deals, contracts in the most ambiguous fifth, or invoices on a shared configuration
--   units_control: the others compared with them
--   mean_treated: mean outcome of the treated units (discount_pct for deals)
--   mean_control: mean outcome of the control units
--   var_treated: sample variance of the treated units' outcome
--   var_control: sample variance of the control units' outcome
--   events_treated: sum of the treated units' outcome (tickets, disputes)
--   events_control: sum of the control units' outcome
--   exposure_treated: exposure of the treated units (exposure years for contracts, units otherwise)
--   exposure_control: exposure of the control units
--   spearman: rank correlation of ambiguity_score and escalations per exposure year within the stratum
--   estimate: the effect within the stratum, a difference of means, a rate or risk ratio, or the correlation
-- tests:
--   - not_null: [metric, stratum, segment, units]
with ranked as (
    -- Ranks only for the correlation: four window functions over every
    -- unit cost seconds at scale 100, and only the correlation's units
    -- use them.
    select
        metric,
        stratum,
        rank() over (partition by stratum order by x) + (count(*) over (partition by stratum, x) - 1) / 2.0 as rx,
        rank() over (partition by stratum order by outcome) + (count(*) over (partition by stratum, outcome) - 1) / 2.0 as ry
    from int_effect_units
    where metric = 'ambiguity_escalation_spearman'
),

correlations as (
    select metric, stratum, corr(rx, ry) as spearman
    from ranked
    group by metric, stratum
),

strata as (
    select
        metric,
        stratum,
        any_value(segment) as segment,
        count(*) as units,
        count(*) filter (where treated) as units_treated,
        count(*) filter (where not treated) as units_control,
        avg(outcome) filter (where treated) as mean_treated,
        avg(outcome) filter (where not treated) as mean_control,
        var_samp(outcome) filter (where treated) as var_treated,
        var_samp(outcome) filter (where not treated) as var_control,
        coalesce(sum(outcome) filter (where treated), 0) as events_treated,
        coalesce(sum(outcome) filter (where not treated), 0) as events_control,
        coalesce(sum(exposure) filter (where treated), 0) as exposure_treated,
        coalesce(sum(exposure) filter (where not treated), 0) as exposure_control
    from int_effect_units
    group by metric, stratum
)

select
    s.*,
    c.spearman,
    case
        when s.metric = 'late_quarter_discount_uplift' then s.mean_treated - s.mean_control
        when s.metric = 'ambiguity_escalation_spearman' then c.spearman
        else (s.events_treated / nullif(s.exposure_treated, 0)) / nullif(s.events_control / nullif(s.exposure_control, 0), 0)
    end as estimate
from strata s
left join correlations c on c.metric = s.metric and c.stratum = s.stratum
