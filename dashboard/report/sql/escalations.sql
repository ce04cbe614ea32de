-- Tickets that escalated in the week and the contracts they hit.
select ticket_id, account_id, account_name, contract_id, created_at, escalation_at, category, priority, subject
from support_tickets
where escalation_at >= $from::date and escalation_at < $to::date
order by escalation_at, ticket_id
