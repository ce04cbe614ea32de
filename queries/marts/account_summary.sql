-- grain: one row per account
-- key: account_id
-- incremental: {key: account_id, from: [int_renewal_risk_accounts, support_tickets]}
-- description: >
--   One line per account for lists and search: its contracts and ARR on as_of, its next
--   renewal and risk, and how many exceptions, escalations and disputes it has gathered.
-- columns:
--   current_arr: ARR of the account's contracts active on as_of (start_date <= as_of <= end_date)
--   next_renewal_date: the earliest end_date of the account's contracts in force on as_of and not yet renewed, whatever the horizon (renewal_risk holds only the next 180 days)
--   days_to_renewal: next_renewal_date - as_of
--   risk_tier: the highest risk tier among those contracts, scored as renewal_risk scores them
--   risk_score: the highest risk score among them
--   arr_at_risk: the sum of their arr * risk_score / 100
--   owner_rep_id: the account's owner, the rep of its latest won deal closed by as_of
--   owner_name: the owner's name
--   exceptions: rows of exception_register for the account
--   escalations_365d: escalated tickets of the account in the 365 days up to as_of
--   disputed_invoices: disputed invoices of the account issued by as_of
--   status: customer (an active contract), churned (had contracts, none active) or prospect
-- tests:
--   - not_null: [account_name, segment, status]
--   - accepted_values: {column: status, values: [customer, churned, prospect]}
with settings as (
    select * from precedent_settings
),

contracts as (
    select
        c.account_id,
        count(*) as contracts,
        sum(c.arr) filter (where c.start_date <= s.as_of and c.end_date >= s.as_of) as current_arr,
        count(*) filter (where c.start_date <= s.as_of and c.end_date >= s.as_of) as active_contracts,
        min(c.start_date) as first_contract_date
    from stg_contracts c, settings s
    where c.start_date <= s.as_of
      and precedent_changed(c.account_id)
    group by c.account_id
),

renewals as (
    select
        r.account_id,
        min(r.end_date) as next_renewal_date,
        (min(r.end_date) - any_value(s.as_of))::integer as days_to_renewal,
        max(r.risk_score) as max_risk_score,
        case max(case r.risk_tier when 'high' then 3 when 'medium' then 2 else 1 end)
            when 3 then 'high' when 2 then 'medium' else 'low' end as risk_tier,
        sum(r.arr_at_risk) as arr_at_risk
    from int_renewal_risk_accounts r, settings s
    where r.purpose = 'current'
      and precedent_changed(r.account_id)
    group by r.account_id
),

owners as (
    select account_id, max_by(d.rep_id, d.close_date::varchar || d.deal_id) as owner_rep_id
    from stg_deals d, settings s
    where d.stage = 'won' and d.close_date <= s.as_of
      and precedent_changed(d.account_id)
    group by account_id
),

exceptions as (
    select account_id, count(*) as exceptions
    from exception_register
    where precedent_changed(account_id)
    group by account_id
),

tickets as (
    select account_id, count(*) filter (where is_escalated and escalation_at::date > s.as_of - 365) as escalations_365d, count(*) as tickets
    from support_tickets, settings s
    where precedent_changed(account_id)
    group by account_id
),

disputes as (
    select account_id, count(*) filter (where is_disputed) as disputed_invoices
    from invoice_disputes
    where precedent_changed(account_id)
    group by account_id
)

select
    a.account_id,
    a.account_name,
    a.segment,
    a.region,
    a.industry,
    coalesce(c.contracts, 0) as contracts,
    coalesce(c.current_arr, 0) as current_arr,
    c.first_contract_date,
    r.next_renewal_date,
    r.days_to_renewal,
    r.risk_tier,
    r.max_risk_score as risk_score,
    r.arr_at_risk,
    o.owner_rep_id,
    rep.rep_name as owner_name,
    coalesce(e.exceptions, 0) as exceptions,
    coalesce(t.escalations_365d, 0) as escalations_365d,
    coalesce(t.tickets, 0) as tickets,
    coalesce(d.disputed_invoices, 0) as disputed_invoices,
    case
        when coalesce(c.active_contracts, 0) > 0 then 'customer'
        when coalesce(c.contracts, 0) > 0 then 'churned'
        else 'prospect'
    end as status
from stg_accounts a
left join contracts c on c.account_id = a.account_id
left join renewals r on r.account_id = a.account_id
left join owners o on o.account_id = a.account_id
left join stg_reps rep on rep.rep_id = o.owner_rep_id
left join exceptions e on e.account_id = a.account_id
left join tickets t on t.account_id = a.account_id
left join disputes d on d.account_id = a.account_id
-- precedent_changed: every account, or in an update in place only those
-- whose risk or tickets changed; every part above is by account.
where precedent_changed(a.account_id)
