-- grain: one row per adjusted headline effect and unit it is measured on (a deal, contract or invoice)
-- key: [metric, unit_id]
-- incremental: {key: metric, from: int_effect_contract_units}
-- description: >
--   The units behind each segment-adjusted headline effect, each with the stratum it is
--   compared within. A unit's cell is segment | region | band, where band is the deal's size
--   tertile within its segment (deals), the contract's term (contracts) or the invoice's amount
--   tertile within its segment (invoices). A cell whose smaller arm holds at least 10 units (20
--   units for the correlation) is a stratum of its own; the units of smaller cells are pooled
--   with their neighbours of the same segment and band (segment | band), and what is still too
--   small with the rest of their segment (segment). Segment is always held fixed.
-- columns:
--   metric: late_quarter_discount_uplift, scope_escalation_rate_ratio, scope_question_rate_ratio, ambiguity_escalation_spearman or shared_config_dispute_ratio
--   unit_id: deal_id, contract_id or invoice_id
--   band: size tertile within segment (deals), term (contracts) or amount tertile within segment (invoices)
--   stratum: the stratum the unit is compared within
--   treated: late-quarter (deals); in the most ambiguous fifth of its segment, against the clearest fifth (contracts; null for the correlation); on a shared billing configuration (invoices)
--   outcome: discount_pct (deals); escalations or scope_questions (contracts; escalations per exposure year for the correlation); 1 if disputed else 0 (invoices)
--   exposure: exposure_years (contracts), else 1
--   x: ambiguity_score (the correlation only)
-- tests:
--   - not_null: [metric, unit_id, segment, stratum, outcome, exposure]
with settings as (
    select * from precedent_settings
),

deals as (
    select
        'late_quarter_discount_uplift' as metric,
        deal_id as unit_id,
        segment,
        coalesce(region, 'unknown') as region,
        'size tertile ' || ntile(3) over (partition by segment order by list_amount, deal_id) as band,
        is_late_quarter as treated,
        discount_pct as outcome,
        1.0 as exposure,
        null::double as x
    from deal_discounts
    where discount_pct is not null
      and precedent_changed('late_quarter_discount_uplift')
),

-- The contract units come from int_effect_contract_units, which alone
-- changes when only tickets do: an update in place then pools just those
-- metrics again (precedent_changed is true for every metric in a full build).
contract_units as (
    select * from int_effect_contract_units
    where precedent_changed(metric)
),

-- The invoices are filtered on the metric before the joins: in the WHERE
-- clause, DuckDB joins every invoice to its configuration and account first
-- and drops them after (1.5 s at scale 100 in an update that keeps the metric).
invoices as (
    select
        'shared_config_dispute_ratio' as metric,
        i.invoice_id as unit_id,
        a.segment,
        coalesce(a.region, 'unknown') as region,
        'amount tertile ' || ntile(3) over (partition by a.segment order by i.amount, i.invoice_id) as band,
        bc.is_shared as treated,
        case when i.is_disputed then 1.0 else 0.0 end as outcome,
        1.0 as exposure,
        null::double as x
    from (select * from stg_invoices where precedent_changed('shared_config_dispute_ratio')) i
    join int_billing_configs bc on bc.billing_config_id = i.billing_config_id
    join stg_accounts a on a.account_id = i.account_id
    cross join settings s
    where i.issued_date <= s.as_of
),

units as (
    select * from deals
    union all select * from contract_units
    union all select * from invoices
),

-- A cell is big enough when its smaller arm has 10 units (a correlation: 20 units).
-- Counted by grouping and joined back: window counts with FILTER over these
-- partitions cost seconds at scale 10.
cell_counts as (
    select
        metric, segment, region, band,
        count(*) as n,
        count(*) filter (where treated) as n_treated,
        count(*) filter (where not treated) as n_control
    from units
    group by metric, segment, region, band
),

cells as (
    select
        u.*,
        case when u.treated is null then c.n >= 20 else least(c.n_treated, c.n_control) >= 10 end as cell_ok
    from units u
    join cell_counts c using (metric, segment, region, band)
),

-- The leftovers of small cells, pooled by segment and band.
band_counts as (
    select
        metric, segment, band,
        count(*) filter (where not cell_ok) as n,
        count(*) filter (where treated and not cell_ok) as n_treated,
        count(*) filter (where not treated and not cell_ok) as n_control
    from cells
    group by metric, segment, band
),

bands as (
    select
        c.*,
        case when c.treated is null then b.n >= 20 else least(b.n_treated, b.n_control) >= 10 end as band_ok
    from cells c
    join band_counts b using (metric, segment, band)
)

select
    metric,
    unit_id,
    segment,
    region,
    band,
    case
        when cell_ok then segment || ' | ' || region || ' | ' || band
        when band_ok then segment || ' | ' || band
        else segment
    end as stratum,
    treated,
    outcome,
    exposure,
    x
from bands
