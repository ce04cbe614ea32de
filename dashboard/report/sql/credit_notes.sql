-- Credit notes issued in the week.
select source_id as credit_note_id, account_id, account_name, occurred_date as issued_date, round(amount_impact, 2) as amount, description
from exception_register
where kind = 'credit_note' and occurred_date >= $from::date and occurred_date < $to::date
order by occurred_date, source_id
