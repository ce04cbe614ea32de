-- What happened in the week ($from to $to, exclusive) and the week before ($prev to $from).
with w as (
    select 'this' as period, $from::date as d0, $to::date as d1
    union all
    select 'prev', $prev::date, $from::date
),
deals as (
    select w.period,
        count(*) filter (where d.is_exception and d.is_late_quarter) as late_quarter_exception,
        count(*) filter (where d.is_exception and not d.is_late_quarter) as discount_exception,
        count(*) filter (where d.precedent_deal_id is not null) as precedent_citation
    from w left join deal_discounts d on d.close_date >= w.d0 and d.close_date < w.d1
    group by w.period
),
tickets as (
    select w.period,
        count(*) filter (where t.escalation_at >= w.d0 and t.escalation_at < w.d1) as escalation,
        count(*) filter (where t.category = 'scope_question' and t.created_at >= w.d0 and t.created_at < w.d1) as scope_question
    from w left join support_tickets t on (t.escalation_at >= w.d0 and t.escalation_at < w.d1) or (t.created_at >= w.d0 and t.created_at < w.d1)
    group by w.period
),
invoices as (
    select w.period, count(i.invoice_id) filter (where i.is_disputed) as billing_dispute
    from w left join invoice_disputes i on i.issued_date >= w.d0 and i.issued_date < w.d1
    group by w.period
),
credits as (
    select w.period, count(e.source_id) as credit_note
    from w left join exception_register e on e.kind = 'credit_note' and e.occurred_date >= w.d0 and e.occurred_date < w.d1
    group by w.period
),
renewals as (
    select w.period, count(r.contract_id) as renewal_entered_90d
    from w left join renewal_risk r on r.end_date - 90 >= w.d0 and r.end_date - 90 < w.d1
    group by w.period
)
select period, late_quarter_exception, discount_exception, precedent_citation, renewal_entered_90d,
       escalation, scope_question, billing_dispute, credit_note
from deals join tickets using (period) join invoices using (period) join credits using (period) join renewals using (period)
order by period desc
