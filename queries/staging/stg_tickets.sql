-- grain: one row per support ticket
-- key: ticket_id
-- materialized: view
-- incremental: {key: ticket_id, from: tickets}
-- description: Support tickets. An escalated ticket escalated at escalated_at, or when it was created if that is unknown.
-- columns:
--   ticket_date: the date the ticket was created (UTC)
--   escalation_at: when an escalated ticket escalated; null when it did not
--   tag_list: tags split on ';'
select
    ticket_id,
    account_id,
    contract_id,
    created_at,
    created_at::date as ticket_date,
    resolved_at,
    category,
    priority,
    is_escalated,
    escalated_at,
    case when is_escalated then coalesce(escalated_at, created_at) end as escalation_at,
    subject,
    tags,
    list_filter(list_transform(string_split(coalesce(tags, ''), ';'), t -> trim(t)), t -> t <> '') as tag_list
from tickets
