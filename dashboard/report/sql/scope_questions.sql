-- Scope-question tickets created in the week and the contracts they hit.
select ticket_id, account_id, account_name, contract_id, created_at, is_escalated, subject
from support_tickets
where category = 'scope_question' and created_at >= $from::date and created_at < $to::date
order by created_at, ticket_id
