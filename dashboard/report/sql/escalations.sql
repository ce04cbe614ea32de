-- Tickets that escalated in the week, the contracts they hit and the ARR they touch: their
-- account's ARR on as_of (account_summary.current_arr). Largest ARR first.
select t.ticket_id, t.account_id, t.account_name, round(a.current_arr::double, 2) as account_arr, t.contract_id, t.created_at,
       t.escalation_at, t.category, t.priority, t.subject
from support_tickets t
left join account_summary a on a.account_id = t.account_id
where t.escalation_at >= $from::date and t.escalation_at < $to::date
order by a.current_arr desc nulls last, t.escalation_at, t.ticket_id
