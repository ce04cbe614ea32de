-- One account's invoices with disputes and credits.
select invoice_id, contract_id, issued_date, due_date, paid_date, status, amount::double as amount, billing_config_id,
       is_shared_config, is_disputed, dispute_reason, credited
from invoice_disputes
where account_id = $account_id
order by issued_date, invoice_id
