-- One account's renewals due, with their risk.
select contract_id, end_date, days_to_renewal, arr::double as arr, risk_score, risk_tier, reasons
from renewal_risk
where account_id = $account_id
order by end_date
