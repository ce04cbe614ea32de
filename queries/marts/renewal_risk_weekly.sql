-- grain: one row per week of int_risk_weeks and contract ending within 90 days after that week's end and not renewed by then
-- key: [week_end, contract_id]
-- incremental: {key: account_id, from: int_renewal_risk_accounts}
-- description: >
--   The renewal risk history: for each of the 26 complete ISO weeks before as_of, the renewals
--   then due in the next 90 days, scored as renewal_risk scores them but only from data dated
--   on or before the week's last day (the backtest's rule: no later event leaks in). A renewal
--   counts as renewed from the day its renewing contract was signed (its start_date when the
--   signature date is missing). The weekly report reads ARR at risk and its change from here.
-- columns:
--   week_end: the week's Sunday, the scores' cut-off
--   iso_week: the week, as 2026-W47
--   days_to_renewal: end_date - week_end, 1 to 90
--   risk_score: 0-100, as in renewal_risk
--   risk_tier: low, medium or high, as in renewal_risk
--   reasons: the top contributing factors at the week's end
--   arr_at_risk: arr * risk_score / 100, as in renewal_risk
--   owner_rep_id: the account's owner at the week's end, as in renewal_risk
--   owner_name: the owner's name
--   next_step: a suggested next step derived from the top reason at the week's end, as in renewal_risk
-- tests:
--   - not_null: [iso_week, account_id, end_date, arr, risk_score, risk_tier, arr_at_risk, next_step]
--   - accepted_values: {column: risk_tier, values: [low, medium, high]}
--   - assert: select * from renewal_risk_weekly where days_to_renewal < 1 or days_to_renewal > 90
select
    w.week_end,
    w.iso_week,
    r.contract_id,
    r.account_id,
    r.account_name,
    r.segment,
    r.region,
    r.end_date,
    (r.end_date - w.week_end)::integer as days_to_renewal,
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
    r.auto_renew
from int_renewal_risk_accounts r
join int_risk_weeks w on w.week_end = r.cutoff
where r.purpose = 'weekly' and precedent_changed(r.account_id)
