-- grain: one row per headline metric
-- key: metric
-- description: >
--   The numbers leadership reads first, each with its sample size and a 95% confidence
--   interval where one is defined, and the value it would take if there were no effect
--   (null_value). Every effect (a comparison between two kinds of deals, contracts or
--   invoices) is estimated within segment and pooled: value is the adjusted estimate, and
--   value_unadjusted the raw comparison over everything, so a difference between them is the
--   mix of segments (see effect_estimates and effect_strata). docs/metrics.md defines each
--   exactly as computed here.
-- columns:
--   value: the metric; for an effect, the estimate adjusted for what adjusted_for names
--   unit: what value counts (docs/metrics.md), one of usd (dollars), fraction (a share from 0 to 1, or a difference of shares, so 0.042 is 4.2 percentage points), ratio (of two rates), slope (change in one fraction per unit of another), correlation (from -1 to 1) or auc (from 0 to 1, 0.5 is chance); the interval and null_value share it
--   n: the sample it is computed over (renewal pairs, deals, reps, contracts or invoices)
--   ci_low: lower bound of the 95% confidence interval of value
--   ci_high: upper bound of the 95% confidence interval of value
--   null_value: the value expected when there is no effect
--   value_unadjusted: the raw comparison over all units, segments pooled; equal to value for metrics that are not effects
--   ci_low_unadjusted: lower bound of the raw comparison's 95% confidence interval
--   ci_high_unadjusted: upper bound of the raw comparison's 95% confidence interval
--   adjusted_for: what value holds fixed, in words; 'nothing (not an effect)' for levels and shares
-- tests:
--   - not_null: [unit]
--   - accepted_values: {column: unit, values: [usd, fraction, ratio, slope, correlation, auc]}
--   - accepted_values: {column: metric, values: [renewal_discount_slope, precedent_anchor_rate, late_quarter_discount_uplift, late_quarter_exception_share, rep_contagion_uplift, scope_escalation_rate_ratio, scope_question_rate_ratio, ambiguity_escalation_spearman, shared_config_dispute_ratio, billing_leakage_pct, arr_renewing_90d, arr_at_risk_90d, renewal_risk_auc]}
--   - assert: select * from headline_metrics where ci_low > value + 1e-9 or ci_high < value - 1e-9
--   - assert: select * from headline_metrics where ci_low_unadjusted > value_unadjusted + 1e-9 or ci_high_unadjusted < value_unadjusted - 1e-9
with
-- renewal_discount_slope: OLS within segments (adjusted) and over all pairs (raw).
pairs as (
    select
        'within' as fit,
        segment,
        prior_discount_pct - avg(prior_discount_pct) over (partition by segment) as x,
        renewal_discount_pct - avg(renewal_discount_pct) over (partition by segment) as y
    from renewal_anchoring
    where prior_discount_pct is not null and renewal_discount_pct is not null
    union all
    select
        'pooled',
        segment,
        prior_discount_pct - avg(prior_discount_pct) over (),
        renewal_discount_pct - avg(renewal_discount_pct) over ()
    from renewal_anchoring
    where prior_discount_pct is not null and renewal_discount_pct is not null
),

slope_fit as (
    select
        fit,
        count(*) as n,
        case when fit = 'within' then count(distinct segment) else 1 end as groups,
        sum(x * y) / nullif(sum(x * x), 0) as slope,
        sum(x * x) as sxx
    from pairs
    group by fit
),

slope_fits as (
    select
        f.fit,
        f.slope,
        f.n,
        sqrt(sum(power(p.y - f.slope * p.x, 2)) / nullif(greatest(f.n - f.groups - 1, 0), 0) / nullif(f.sxx, 0)) as se
    from pairs p
    join slope_fit f on f.fit = p.fit
    group by f.fit, f.slope, f.n, f.groups, f.sxx
),

slope as (
    select
        'renewal_discount_slope' as metric,
        w.slope as value,
        w.n,
        w.se,
        0.0 as null_value,
        p.slope as value_unadjusted,
        p.se as se_unadjusted,
        'segment (both discounts demeaned within segment)' as adjusted_for,
        'OLS slope of renewal_discount_pct on prior_discount_pct over renewal pairs, both demeaned within segment; CI = slope +- 1.96 SE. Raw: the same over all pairs' as description
    from slope_fits w, slope_fits p
    where w.fit = 'within' and p.fit = 'pooled'
),

-- Shares with a Wilson score interval.
shares as (
    select
        'precedent_anchor_rate' as metric,
        count(*) filter (where is_anchored) as k,
        count(*) as n,
        'share of renewal pairs whose account had a precedent closed before the renewal with renewal_discount_pct >= precedent_discount_pct - 0.02' as description
    from renewal_anchoring
    where precedent_deal_id is not null
    union all
    select
        'late_quarter_exception_share',
        count(*) filter (where is_late_quarter),
        count(*),
        'share of discount exceptions (won deals with discount_pct > policy_max_pct) that are late-quarter; its null value is the late-quarter share of won deals in each segment, weighted by the segment''s exceptions'
    from deal_discounts
    where is_exception
),

-- The late-quarter share exceptions would have by chance, given each segment's share of
-- the exceptions and of late-quarter deals.
late_share as (
    select sum(exceptions * late_share) / nullif(sum(exceptions), 0) as share
    from (
        select
            count(*) filter (where is_exception) as exceptions,
            avg(case when is_late_quarter then 1.0 else 0.0 end) as late_share
        from deal_discounts
        where discount_pct is not null
        group by segment
    )
),

share_metrics as (
    select
        s.metric,
        s.k / nullif(s.n, 0) as value,
        s.n,
        (value + 1.96 * 1.96 / (2 * s.n) - 1.96 * sqrt(value * (1 - value) / s.n + 1.96 * 1.96 / (4 * s.n * s.n))) / (1 + 1.96 * 1.96 / s.n) as ci_low,
        (value + 1.96 * 1.96 / (2 * s.n) + 1.96 * sqrt(value * (1 - value) / s.n + 1.96 * 1.96 / (4 * s.n * s.n))) / (1 + 1.96 * 1.96 / s.n) as ci_high,
        case when s.metric = 'late_quarter_exception_share' then ls.share end as null_value,
        s.description
    from shares s, late_share ls
),

-- late_quarter_discount_uplift: difference of means, normal approximation.
late as (
    select
        avg(discount_pct) filter (where is_late_quarter) as m1,
        var_samp(discount_pct) filter (where is_late_quarter) as v1,
        count(discount_pct) filter (where is_late_quarter) as n1,
        avg(discount_pct) filter (where not is_late_quarter) as m0,
        var_samp(discount_pct) filter (where not is_late_quarter) as v0,
        count(discount_pct) filter (where not is_late_quarter) as n0
    from deal_discounts
),

uplift as (
    select
        'late_quarter_discount_uplift' as metric,
        m1 - m0 as value,
        n1 + n0 as n,
        sqrt(v1 / nullif(n1, 0) + v0 / nullif(n0, 0)) as se,
        0.0 as null_value,
        'mean discount_pct of late-quarter won deals minus that of the other won deals; CI = difference +- 1.96 sqrt(var1/n1 + var0/n0)' as description
    from late
),

contagion as (
    select
        'rep_contagion_uplift' as metric,
        avg(drift_adjusted) as value,
        count(*) as n,
        stddev_samp(drift_adjusted) / sqrt(count(*)) as se,
        0.0 as null_value,
        avg(drift) as value_unadjusted,
        stddev_samp(drift) / sqrt(count(*)) as se_unadjusted,
        'segment, deal type and deal size tertile (each discount measured against its peers); the rep (each rep compared with itself)' as adjusted_for,
        'mean over qualifying reps (3+ won new/expansion deals before and after their first exception) of drift_adjusted: the mean discount of the next up to 5 such deals minus that of the previous up to 5, each discount minus the mean of its segment, deal type and size tertile; CI = mean +- 1.96 SE. Raw: the same over discount_pct' as description
    from rep_discount_drift
    where qualifies
),

rate_ratios as (
    select
        'scope_escalation_rate_ratio' as metric,
        q5.rate_ratio_vs_q1 as value,
        q5.contracts + q1.contracts as n,
        q5.ci_low,
        q5.ci_high,
        1.0 as null_value,
        'escalated tickets per exposure year in ambiguity quintile 5 over quintile 1; CI from the Poisson log rate ratio' as description
    from scope_escalations q5, scope_escalations q1
    where q5.ambiguity_quintile = 5 and q1.ambiguity_quintile = 1
    union all
    select
        'scope_question_rate_ratio',
        q5.scope_question_rate_ratio_vs_q1,
        q5.contracts + q1.contracts,
        q5.scope_question_ci_low,
        q5.scope_question_ci_high,
        1.0,
        'scope_question tickets per exposure year in ambiguity quintile 5 over quintile 1; CI from the Poisson log rate ratio'
    from scope_escalations q5, scope_escalations q1
    where q5.ambiguity_quintile = 5 and q1.ambiguity_quintile = 1
),

-- ambiguity_escalation_spearman: Pearson correlation of average ranks.
ranked as (
    select
        rank() over (order by s.ambiguity_score) + (count(*) over (partition by s.ambiguity_score) - 1) / 2.0 as rx,
        rank() over (order by a.escalations / a.exposure_years) + (count(*) over (partition by a.escalations / a.exposure_years) - 1) / 2.0 as ry
    from int_contract_activity a
    join contract_scope s on s.contract_id = a.contract_id
    where a.exposure_years > 0
),

spearman as (
    select
        'ambiguity_escalation_spearman' as metric,
        corr(rx, ry) as value,
        count(*) as n,
        tanh(atanh(corr(rx, ry)) - 1.96 / sqrt(nullif(greatest(count(*) - 3, 0), 0))) as ci_low,
        tanh(atanh(corr(rx, ry)) + 1.96 / sqrt(nullif(greatest(count(*) - 3, 0), 0))) as ci_high,
        0.0 as null_value,
        'Spearman rank correlation over contracts started by as_of of ambiguity_score and escalated tickets per exposure year; CI by Fisher z' as description
    from ranked
),

-- shared_config_dispute_ratio: risk ratio with its log-scale interval.
configs as (
    select
        count(*) filter (where bc.is_shared and i.is_disputed) as a,
        count(*) filter (where bc.is_shared) as n1,
        count(*) filter (where not bc.is_shared and i.is_disputed) as b,
        count(*) filter (where not bc.is_shared) as n0
    from stg_invoices i
    join int_billing_configs bc on bc.billing_config_id = i.billing_config_id
    cross join precedent_settings s
    where i.issued_date <= s.as_of
),

dispute_ratio as (
    select
        'shared_config_dispute_ratio' as metric,
        (a / nullif(n1, 0)) / nullif(b / nullif(n0, 0), 0) as value,
        n1 + n0 as n,
        value * exp(-1.96 * sqrt(1.0 / nullif(a, 0) - 1.0 / nullif(n1, 0) + 1.0 / nullif(b, 0) - 1.0 / nullif(n0, 0))) as ci_low,
        value * exp(1.96 * sqrt(1.0 / nullif(a, 0) - 1.0 / nullif(n1, 0) + 1.0 / nullif(b, 0) - 1.0 / nullif(n0, 0))) as ci_high,
        1.0 as null_value,
        'dispute rate of invoices whose billing_config_id is used by 2+ accounts over that of invoices whose billing_config_id is used by one account' as description
    from configs
),

leakage as (
    select
        'billing_leakage_pct' as metric,
        1 - (sum(invoiced) - sum(credited)) / nullif(sum(contracted_to_date), 0) as value,
        count(*) as n,
        null::double as ci_low,
        null::double as ci_high,
        0.0 as null_value,
        '1 - (invoiced - credited) / contracted_to_date over all contracts started by as_of' as description
    from billing_reconciliation
),

renewing as (
    select
        'arr_renewing_90d' as metric,
        coalesce(sum(arr), 0)::double as value,
        count(*) as n,
        'ARR of contracts in renewal_risk ending within 90 days after as_of' as description
    from renewal_risk
    where days_to_renewal <= 90
    union all
    select
        'arr_at_risk_90d',
        coalesce(sum(arr), 0)::double,
        count(*),
        'ARR of contracts in renewal_risk ending within 90 days after as_of with risk_tier high'
    from renewal_risk
    where days_to_renewal <= 90 and risk_tier = 'high'
),

-- renewal_risk_auc: Mann-Whitney with average ranks; Hanley-McNeil standard error.
backtest as (
    select
        outcome = 'churned' as churned,
        rank() over (order by risk_score) + (count(*) over (partition by risk_score) - 1) / 2.0 as r
    from renewal_risk_backtest
),

auc_parts as (
    select
        count(*) filter (where churned) as n1,
        count(*) filter (where not churned) as n0,
        sum(r) filter (where churned) as r1
    from backtest
),

auc as (
    select
        'renewal_risk_auc' as metric,
        (r1 - n1 * (n1 + 1) / 2.0) / nullif(n1 * n0, 0) as value,
        n1 + n0 as n,
        sqrt((value * (1 - value) + (n1 - 1) * (value / (2 - value) - value * value)
            + (n0 - 1) * (2 * value * value / (1 + value) - value * value)) / nullif(n1 * n0, 0)) as se,
        0.5 as null_value,
        'area under the ROC curve of renewal_risk_backtest.risk_score against churn; CI = AUC +- 1.96 SE (Hanley-McNeil)' as description
    from auc_parts
),

raw as (
    select metric, value_unadjusted as value, n, value_unadjusted - 1.96 * se_unadjusted as ci_low, value_unadjusted + 1.96 * se_unadjusted as ci_high, null_value, description from slope
    union all select metric, value, n, ci_low, ci_high, null_value, description from share_metrics
    union all select metric, value, n, value - 1.96 * se, value + 1.96 * se, null_value, description from uplift
    union all select metric, value_unadjusted, n, value_unadjusted - 1.96 * se_unadjusted, value_unadjusted + 1.96 * se_unadjusted, null_value, description from contagion
    union all select metric, value, n, ci_low, ci_high, null_value, description from rate_ratios
    union all select metric, value, n, ci_low, ci_high, null_value, description from spearman
    union all select metric, value, n, ci_low, ci_high, null_value, description from dispute_ratio
    union all select metric, value, n, ci_low, ci_high, null_value, description from leakage
    union all select metric, value, n, null, null, null, description from renewing
    union all select metric, value, n, value - 1.96 * se, value + 1.96 * se, null_value, description from auc
),

adjusted as (
    select metric, value, n, value - 1.96 * se as ci_low, value + 1.96 * se as ci_high, adjusted_for from slope
    union all select metric, value, n, value - 1.96 * se, value + 1.96 * se, adjusted_for from contagion
    union all select metric, value, n, ci_low, ci_high, adjusted_for from effect_estimates
    union all
    select metric, value, n, ci_low, ci_high, 'segment (in null_value only: the share expected from each segment''s exceptions and late-quarter share)'
    from share_metrics
    where metric = 'late_quarter_exception_share'
),

effects as (
    select unnest(['renewal_discount_slope', 'late_quarter_discount_uplift', 'late_quarter_exception_share', 'rep_contagion_uplift', 'scope_escalation_rate_ratio',
        'scope_question_rate_ratio', 'ambiguity_escalation_spearman', 'shared_config_dispute_ratio']) as metric
)

select
    r.metric,
    (case when e.metric is null then r.value else a.value end)::double as value,
    case
        when r.metric in ('arr_renewing_90d', 'arr_at_risk_90d') then 'usd'
        when r.metric in ('late_quarter_exception_share', 'precedent_anchor_rate', 'billing_leakage_pct',
            'late_quarter_discount_uplift', 'rep_contagion_uplift') then 'fraction'
        when r.metric in ('scope_escalation_rate_ratio', 'scope_question_rate_ratio', 'shared_config_dispute_ratio') then 'ratio'
        when r.metric = 'renewal_discount_slope' then 'slope'
        when r.metric = 'ambiguity_escalation_spearman' then 'correlation'
        when r.metric = 'renewal_risk_auc' then 'auc'
    end as unit,
    coalesce(a.n, r.n)::bigint as n,
    (case when e.metric is null then r.ci_low else a.ci_low end)::double as ci_low,
    (case when e.metric is null then r.ci_high else a.ci_high end)::double as ci_high,
    r.null_value::double as null_value,
    r.value::double as value_unadjusted,
    r.ci_low::double as ci_low_unadjusted,
    r.ci_high::double as ci_high_unadjusted,
    coalesce(a.adjusted_for, case when e.metric is not null then 'segment: too few units to compare within segment' else 'nothing (not an effect)' end) as adjusted_for,
    r.description
from raw r
left join effects e on e.metric = r.metric
left join adjusted a on a.metric = r.metric
