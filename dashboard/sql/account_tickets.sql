-- One account's tickets.
select ticket_id, contract_id, created_at, category, priority, is_escalated, escalation_at, subject, tags
from support_tickets
where account_id = $account_id
order by created_at, ticket_id
