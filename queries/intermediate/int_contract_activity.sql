-- grain: one row per contract started by as_of
-- key: contract_id
-- incremental: {key: contract_id, from: int_ticket_attribution, from_key: attributed_contract_id}
-- description: >
--   Each contract's exposure and what happened during it, up to as_of: exposure_years =
--   (min(end_date, as_of) - start_date) / 365.25; tickets attributed to the contract (see
--   int_ticket_attribution) dated within start_date..min(end_date, as_of); disputed invoices of
--   the contract issued in that window.
-- columns:
--   exposure_years: (min(end_date, as_of) - start_date) / 365.25
--   escalations: escalated tickets
--   scope_questions: tickets of category scope_question
--   billing_disputes: disputed invoices of the contract
--   first_escalation_date: date of the first escalation
--   days_to_first_escalation: first_escalation_date - start_date
with settings as (
    select * from precedent_settings
),

contracts as (
    select c.*, least(c.end_date, s.as_of) as window_end
    from stg_contracts c, settings s
    where c.start_date <= s.as_of
      and precedent_changed(c.contract_id)
),

tickets as (
    select
        c.contract_id,
        count(t.ticket_id) as tickets,
        count(t.ticket_id) filter (where t.is_escalated) as escalations,
        count(t.ticket_id) filter (where t.category = 'scope_question') as scope_questions,
        min(t.escalation_at)::date as first_escalation_date
    from contracts c
    left join int_ticket_attribution t
        on t.attributed_contract_id = c.contract_id
        and t.ticket_date between c.start_date and c.window_end
    group by c.contract_id
),

disputes as (
    select c.contract_id, count(i.invoice_id) as billing_disputes
    from contracts c
    left join stg_invoices i
        on i.contract_id = c.contract_id
        and i.is_disputed
        and i.issued_date between c.start_date and c.window_end
    group by c.contract_id
)

select
    c.contract_id,
    c.account_id,
    c.start_date,
    c.end_date,
    (c.window_end - c.start_date) / 365.25 as exposure_years,
    t.tickets,
    t.escalations,
    t.scope_questions,
    d.billing_disputes,
    t.first_escalation_date,
    (t.first_escalation_date - c.start_date)::integer as days_to_first_escalation
from contracts c
join tickets t on t.contract_id = c.contract_id
join disputes d on d.contract_id = c.contract_id
