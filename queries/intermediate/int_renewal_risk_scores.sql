-- grain: "one row per contract, purpose and cut-off: renewals due (cut-off as_of), contracts that ended in the two years before as_of (cut-off end_date - 90 days), and the renewals due at each week's end in int_risk_weeks (cut-off that Sunday)"
-- key: [contract_id, purpose, cutoff]
-- incremental: {key: account_id, from: stg_tickets}
-- description: >
--   The renewal risk score of a contract computed from what was known at a cut-off date, so
--   the live score (renewal_risk) and its backtest (renewal_risk_backtest) are the same SQL.
--   Each factor is a count or flag of the account or contract dated on or before the cut-off,
--   scaled to 0..1 (saturating as risk_weights describes); risk_score = 100 * sum(weight *
--   factor) / sum(weight). reasons lists the three largest contributions in plain words.
-- columns:
--   purpose: current (in force on as_of, ending on or after it, not yet renewed, whatever the horizon), backtest, or weekly (ending within 90 days after a week's end and not renewed by then)
--   cutoff: the date the score is computed as of
--   risk_score: 0-100
--   risk_tier: high from risk_tier_high, medium from risk_tier_medium, else low
--   reasons: the top contributing factors, in plain words
--   top_factor: the factor contributing most points (ties in the order of risk_weights); null when the score is 0
--   disputed_invoice_id: the account's latest disputed invoice issued in the 365 days up to the cut-off
--   arr_at_risk: arr * risk_score / 100, the ARR the score puts at risk
--   next_step: what to do about top_factor, in plain words (docs/metrics.md lists them)
-- tests:
--   - accepted_values: {column: risk_tier, values: [low, medium, high]}
--   - accepted_values: {column: purpose, values: [current, backtest, weekly]}
--   - assert: select * from int_renewal_risk_scores where risk_score < 0 or risk_score > 100
with settings as (
    select * from precedent_settings
),

renewed as (
    select distinct renews_contract_id as contract_id
    from stg_contracts
    where renews_contract_id is not null
),

-- precedent_changed: every contract, or in an update in place only those of
-- the accounts whose tickets changed (docs/models.md).
scored_contracts as (
    select c.contract_id, c.account_id, c.deal_id, c.start_date, c.end_date, c.arr, c.auto_renew,
           'current' as purpose, s.as_of as cutoff
    from stg_contracts c, settings s
    where c.end_date >= s.as_of
      and c.start_date <= s.as_of
      and c.contract_id not in (select contract_id from renewed)
      and precedent_changed(c.account_id)
    union all
    select c.contract_id, c.account_id, c.deal_id, c.start_date, c.end_date, c.arr, c.auto_renew,
           'backtest' as purpose, c.end_date - 90 as cutoff
    from stg_contracts c, settings s
    where c.end_date >= s.as_of - 730 and c.end_date < s.as_of
      and precedent_changed(c.account_id)
    union all
    select c.contract_id, c.account_id, c.deal_id, c.start_date, c.end_date, c.arr, c.auto_renew,
           'weekly' as purpose, w.week_end as cutoff
    from int_risk_weeks w
    join stg_contracts c
        on c.end_date > w.week_end and c.end_date <= w.week_end + 90
        and c.start_date <= w.week_end
    where precedent_changed(c.account_id) and not exists (
        select 1 from stg_contracts r
        where r.renews_contract_id = c.contract_id and coalesce(r.signed_date, r.start_date) <= w.week_end
    )
),

ticket_counts as (
    select
        sc.contract_id,
        sc.purpose,
        sc.cutoff,
        count(*) filter (where t.escalation_at::date > sc.cutoff - 180 and t.escalation_at::date <= sc.cutoff) as escalations,
        count(*) filter (where t.category = 'scope_question' and t.ticket_date > sc.cutoff - 180 and t.ticket_date <= sc.cutoff) as scope_questions
    from scored_contracts sc
    left join stg_tickets t on t.account_id = sc.account_id
    group by sc.contract_id, sc.purpose, sc.cutoff
),

invoice_counts as (
    select
        sc.contract_id,
        sc.purpose,
        sc.cutoff,
        count(*) filter (where i.is_disputed and i.issued_date > sc.cutoff - 365 and i.issued_date <= sc.cutoff) as disputes,
        count(*) filter (where i.status <> 'void' and i.due_date > sc.cutoff - 365 and i.due_date + 30 <= sc.cutoff
                           and (i.paid_date is null or i.paid_date > i.due_date + 30)) as late_payments,
        max_by(i.invoice_id, i.issued_date::varchar || i.invoice_id)
            filter (where i.is_disputed and i.issued_date > sc.cutoff - 365 and i.issued_date <= sc.cutoff) as disputed_invoice_id
    from scored_contracts sc
    left join stg_invoices i on i.account_id = sc.account_id
    group by sc.contract_id, sc.purpose, sc.cutoff
),

credit_counts as (
    select
        sc.contract_id,
        sc.purpose,
        sc.cutoff,
        count(cn.credit_note_id) as credit_notes
    from scored_contracts sc
    left join stg_invoices i on i.account_id = sc.account_id
    left join stg_credit_notes cn
        on cn.invoice_id = i.invoice_id
        and cn.issued_date > sc.cutoff - 365
        and cn.issued_date <= sc.cutoff
    group by sc.contract_id, sc.purpose, sc.cutoff
),

anchors as (
    select
        sc.contract_id,
        sc.purpose,
        sc.cutoff,
        pr.deal_id as precedent_deal_id,
        pr.discount_pct as precedent_discount_pct,
        d.discount_pct >= pr.discount_pct - 0.02 as is_anchored
    from scored_contracts sc
    join int_deals_enriched d on d.deal_id = sc.deal_id
    join int_account_precedents pr
        on pr.account_id = sc.account_id
        and pr.close_date <= d.close_date
        and pr.close_date <= sc.cutoff
),

factors as (
    select
        sc.*,
        tc.escalations,
        tc.scope_questions,
        ic.disputes,
        ic.late_payments,
        ic.disputed_invoice_id,
        cc.credit_notes,
        f.ambiguity_score,
        a.precedent_deal_id,
        a.precedent_discount_pct,
        coalesce(a.is_anchored, false) as is_anchored,
        least(tc.escalations, 3) / 3.0 as f_escalations,
        least(tc.scope_questions, 3) / 3.0 as f_scope_questions,
        least(ic.disputes, 2) / 2.0 as f_disputes,
        least(cc.credit_notes, 2) / 2.0 as f_credit_notes,
        least(ic.late_payments, 2) / 2.0 as f_late_payments,
        coalesce(f.ambiguity_score, 0) / 100.0 as f_ambiguity,
        case when a.is_anchored then 1.0 else 0.0 end as f_discount_anchor,
        case when coalesce(sc.auto_renew, false) then 0.0 else 1.0 end as f_no_auto_renew
    from scored_contracts sc
    join ticket_counts tc using (contract_id, purpose, cutoff)
    join invoice_counts ic using (contract_id, purpose, cutoff)
    join credit_counts cc using (contract_id, purpose, cutoff)
    left join int_contract_scope_features f on f.contract_id = sc.contract_id
    left join anchors a using (contract_id, purpose, cutoff)
),

weights as (
    select
        max(weight) filter (where factor = 'escalations') as w_escalations,
        max(weight) filter (where factor = 'scope_questions') as w_scope_questions,
        max(weight) filter (where factor = 'disputes') as w_disputes,
        max(weight) filter (where factor = 'credit_notes') as w_credit_notes,
        max(weight) filter (where factor = 'late_payments') as w_late_payments,
        max(weight) filter (where factor = 'ambiguity') as w_ambiguity,
        max(weight) filter (where factor = 'discount_anchor') as w_discount_anchor,
        max(weight) filter (where factor = 'no_auto_renew') as w_no_auto_renew,
        sum(weight) as w_total
    from risk_weights
),

contributions as (
    select
        f.*,
        [
            {'points': 100 * w.w_escalations * f.f_escalations / w.w_total, 'order': -1, 'factor': 'escalations',
             'text': f.escalations || case when f.escalations = 1 then ' escalation' else ' escalations' end || ' in the last 180 days'},
            {'points': 100 * w.w_scope_questions * f.f_scope_questions / w.w_total, 'order': -2, 'factor': 'scope_questions',
             'text': f.scope_questions || case when f.scope_questions = 1 then ' scope question' else ' scope questions' end || ' in the last 180 days'},
            {'points': 100 * w.w_disputes * f.f_disputes / w.w_total, 'order': -3, 'factor': 'disputes',
             'text': f.disputes || case when f.disputes = 1 then ' disputed invoice' else ' disputed invoices' end || ' in the last year'},
            {'points': 100 * w.w_credit_notes * f.f_credit_notes / w.w_total, 'order': -4, 'factor': 'credit_notes',
             'text': f.credit_notes || case when f.credit_notes = 1 then ' credit note' else ' credit notes' end || ' in the last year'},
            {'points': 100 * w.w_late_payments * f.f_late_payments / w.w_total, 'order': -5, 'factor': 'late_payments',
             'text': f.late_payments || case when f.late_payments = 1 then ' late payment' else ' late payments' end || ' in the last year'},
            {'points': 100 * w.w_ambiguity * f.f_ambiguity / w.w_total, 'order': -6, 'factor': 'ambiguity',
             'text': 'ambiguous scope (score ' || round(coalesce(f.ambiguity_score, 0))::integer || ')'},
            {'points': 100 * w.w_discount_anchor * f.f_discount_anchor / w.w_total, 'order': -7, 'factor': 'discount_anchor',
             'text': 'priced off exception ' || coalesce(f.precedent_deal_id, '') || ' (' || round(100 * coalesce(f.precedent_discount_pct, 0))::integer || '% discount)'},
            {'points': 100 * w.w_no_auto_renew * f.f_no_auto_renew / w.w_total, 'order': -8, 'factor': 'no_auto_renew',
             'text': 'no auto-renewal'}
        ] as parts
    from factors f, weights w
),

scored as (
    select
        c.* exclude (parts),
        round(list_sum(list_transform(c.parts, p -> p.points)), 1) as risk_score,
        case
            when risk_score >= s.risk_tier_high then 'high'
            when risk_score >= s.risk_tier_medium then 'medium'
            else 'low'
        end as risk_tier,
        array_to_string(
            list_transform(
                list_slice(list_sort(list_filter(c.parts, p -> p.points > 0), 'DESC'), 1, 3),
                p -> p.text),
            '; ') as reasons,
        list_sort(list_filter(c.parts, p -> p.points > 0), 'DESC')[1].factor as top_factor,
        list_filter(c.parts, p -> p.points > 0) as contributions
    from contributions c, settings s
),

-- The next step answers the largest contribution: the reason a renewal call
-- would otherwise stumble on first.
final as (
    select
        *,
        round(arr * risk_score / 100, 2) as arr_at_risk,
        case top_factor
            when 'escalations' then 'go through the open escalations with support before the renewal call'
            when 'scope_questions' then 'review scope with CS before the renewal call'
            when 'disputes' then 'resolve invoice ' || coalesce(disputed_invoice_id, '') || ' before the renewal call'
            when 'credit_notes' then 'ask finance why credits were issued before quoting the renewal'
            when 'late_payments' then 'settle the late payments with finance before quoting the renewal'
            when 'ambiguity' then 'write the scope down precisely in the renewal quote'
            when 'discount_anchor' then 'renewal priced at the prior exception ' || coalesce(precedent_deal_id, '') || ': get approval now'
            when 'no_auto_renew' then 'confirm the renewal date and the decision maker with the customer'
            else 'no action: renew as usual'
        end as next_step
    from scored
)

select * from final
