-- Renewals that entered the 90-day window in the week (end_date - 90 days fell in it), not yet renewed.
select contract_id, account_id, account_name, segment, end_date, round(arr::double, 2) as arr, risk_score, risk_tier, reasons
from renewal_risk
where end_date - 90 >= $from::date and end_date - 90 < $to::date
order by risk_score desc, arr desc, contract_id
