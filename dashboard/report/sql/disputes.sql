-- Disputed invoices issued in the week (a dispute is dated by its invoice).
select invoice_id, account_id, account_name, contract_id, issued_date, round(amount::double, 2) as amount, billing_config_id,
       is_shared_config, dispute_reason
from invoice_disputes
where is_disputed and issued_date >= $from::date and issued_date < $to::date
order by issued_date, invoice_id
