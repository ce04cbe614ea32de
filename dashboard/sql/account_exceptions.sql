-- One account's rows of the exception register.
select kind, source_entity, source_id, occurred_date, description, amount_impact
from exception_register
where account_id = $account_id
order by occurred_date, kind, source_id
