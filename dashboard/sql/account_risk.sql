-- One account's renewals due, with their risk, who owns them and what to do.
select contract_id, end_date, days_to_renewal, arr::double as arr, risk_score, risk_tier,
    arr_at_risk::double as arr_at_risk, reasons, owner_name, next_step
from renewal_risk
where account_id = $account_id
order by end_date
