-- The riskiest renewals, with their reasons.
select contract_id, account_id, account_name, segment, end_date, days_to_renewal, arr::double as arr, risk_score, risk_tier, reasons
from renewal_risk
where ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
order by risk_score desc, arr desc, contract_id
limit 20
