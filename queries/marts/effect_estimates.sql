-- grain: one row per segment-adjusted headline effect
-- key: metric
-- description: >
--   Each headline effect pooled over the strata of effect_strata, so that what differs between
--   segments (and, where the sample allows, regions and size or term bands) is not read as the
--   effect. late_quarter_discount_uplift: the stratified difference of means, each stratum
--   weighted by n1 n0 / (n1 + n0) (what a regression with stratum fixed effects weighs by); SE =
--   sqrt(sum w^2 (v1/n1 + v0/n0)) / sum w. Rate ratios (per exposure year): Mantel-Haenszel,
--   sum(a T0 / T) / sum(b T1 / T), log-scale SE by Greenland and Robins (1985). The dispute
--   ratio: the Mantel-Haenszel risk ratio, sum(a n0 / N) / sum(b n1 / N), with the
--   Greenland-Robins variance. The correlation: within-stratum Spearman pooled by Fisher z with
--   weights n - 3. Strata where one arm is missing (or, for a difference of means, has fewer
--   than two units) carry no information and no weight.
-- columns:
--   value: the adjusted estimate
--   ci_low: lower bound of its 95% confidence interval
--   ci_high: upper bound of its 95% confidence interval
--   n: units in the strata that carry weight
--   strata: strata that carry weight
--   adjusted_for: what the estimate holds fixed, in words
-- tests:
--   - accepted_values: {column: metric, values: [late_quarter_discount_uplift, scope_escalation_rate_ratio, scope_question_rate_ratio, ambiguity_escalation_spearman, shared_config_dispute_ratio]}
--   - assert: select * from effect_estimates where ci_low > value + 1e-9 or ci_high < value - 1e-9
with differences as (
    select
        metric,
        units_treated * units_control / (units_treated + units_control) as w,
        mean_treated - mean_control as d,
        var_treated / units_treated + var_control / units_control as v,
        units
    from effect_strata
    where metric = 'late_quarter_discount_uplift' and units_treated >= 2 and units_control >= 2
),

difference as (
    select
        metric,
        sum(w * d) / sum(w) as value,
        sqrt(sum(w * w * v)) / sum(w) as se,
        sum(units) as n,
        count(*) as strata
    from differences
    group by metric
),

-- Mantel-Haenszel: rates per exposure year (tickets) and risks (disputes, exposure = invoices).
mh_parts as (
    select
        metric,
        units,
        events_treated as a,
        events_control as b,
        exposure_treated as t1,
        exposure_control as t0,
        exposure_treated + exposure_control as t
    from effect_strata
    where metric in ('scope_escalation_rate_ratio', 'scope_question_rate_ratio', 'shared_config_dispute_ratio')
      and exposure_treated > 0 and exposure_control > 0
),

mh as (
    select
        metric,
        sum(a * t0 / t) as r,
        sum(b * t1 / t) as s,
        case
            when metric = 'shared_config_dispute_ratio' then sum((a + b) * t1 * t0 / (t * t) - a * b / t)
            else sum((a + b) * t1 * t0 / (t * t))
        end as p,
        sum(units) as n,
        count(*) as strata
    from mh_parts
    group by metric
),

ratio as (
    select
        metric,
        r / nullif(s, 0) as value,
        sqrt(p / nullif(r * s, 0)) as log_se,
        n,
        strata
    from mh
),

correlations as (
    select metric, units, atanh(spearman) as z
    from effect_strata
    where metric = 'ambiguity_escalation_spearman' and units > 3 and abs(spearman) < 1
),

correlation as (
    select
        metric,
        tanh(sum((units - 3) * z) / sum(units - 3)) as value,
        sum((units - 3) * z) / sum(units - 3) as z,
        1 / sqrt(sum(units - 3)) as z_se,
        sum(units) as n,
        count(*) as strata
    from correlations
    group by metric
),

estimates as (
    select metric, value, value - 1.96 * se as ci_low, value + 1.96 * se as ci_high, n, strata from difference
    union all
    select metric, value, value * exp(-1.96 * log_se), value * exp(1.96 * log_se), n, strata from ratio
    union all
    select metric, value, tanh(z - 1.96 * z_se), tanh(z + 1.96 * z_se), n, strata from correlation
)

select
    metric,
    value::double as value,
    ci_low::double as ci_low,
    ci_high::double as ci_high,
    n::bigint as n,
    strata::bigint as strata,
    case metric
        when 'late_quarter_discount_uplift' then 'segment; region and deal size tertile within segment where the sample allows'
        when 'shared_config_dispute_ratio' then 'segment; region and invoice amount tertile within segment where the sample allows'
        when 'ambiguity_escalation_spearman' then 'segment (ranks within stratum); region and contract term where the sample allows'
        else 'segment (ambiguity fifths ranked within segment); region and contract term where the sample allows'
    end as adjusted_for
from estimates
