-- grain: one row per ticket created by as_of
-- key: ticket_id
-- incremental: {key: ticket_id, from: int_ticket_attribution}
-- description: Support tickets with the contract they belong to (see int_ticket_attribution) and the account's segment and region.
-- columns:
--   contract_id: the contract the ticket belongs to, by its own contract_id or by date
--   attribution: contract_id, date or none
--   escalation_at: when the ticket escalated; null when it did not
-- tests:
--   - not_null: [account_id, created_at, category]
select
    t.ticket_id,
    t.account_id,
    a.account_name,
    a.segment,
    a.region,
    t.attributed_contract_id as contract_id,
    t.attribution,
    t.created_at,
    t.ticket_date,
    t.resolved_at,
    t.category,
    t.priority,
    t.is_escalated,
    t.escalation_at,
    t.subject,
    t.tags
from int_ticket_attribution t
left join stg_accounts a on a.account_id = t.account_id
