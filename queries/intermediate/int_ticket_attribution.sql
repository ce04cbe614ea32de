-- grain: one row per ticket created by as_of
-- key: ticket_id
-- incremental: {key: ticket_id, from: stg_tickets, as_of: ticket_date}
-- description: >
--   Tickets with the contract they belong to: their own contract_id, else the account's contract
--   whose start_date..end_date contains the ticket's date (the latest-starting one if several,
--   then the greatest contract_id), else none.
-- columns:
--   attributed_contract_id: the contract the ticket belongs to, or null
--   attribution: contract_id, date or none
-- tests:
--   - accepted_values: {column: attribution, values: [contract_id, date, none]}
with tickets as (
    select t.*
    from stg_tickets t, precedent_settings s
    where t.ticket_date <= s.as_of
      -- every ticket, or in an update in place the changed ones: each
      -- ticket's attribution reads only its own row and the contracts.
      and precedent_changed(t.ticket_id)
),

by_date as (
    select t.ticket_id, c.contract_id
    from tickets t
    join stg_contracts c
        on c.account_id = t.account_id
        and t.ticket_date between c.start_date and c.end_date
    where t.contract_id is null
    qualify row_number() over (partition by t.ticket_id order by c.start_date desc, c.contract_id desc) = 1
)

select
    t.*,
    coalesce(t.contract_id, b.contract_id) as attributed_contract_id,
    case
        when t.contract_id is not null then 'contract_id'
        when b.contract_id is not null then 'date'
        else 'none'
    end as attribution
from tickets t
left join by_date b on b.ticket_id = t.ticket_id
