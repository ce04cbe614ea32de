-- The 20 renewals with the most at stake, with their owner, reasons and next step: by ARR at
-- risk (arr * risk_score / 100) by default, by risk score with $sort = 'score'.
select contract_id, account_id, account_name, segment, end_date, days_to_renewal, arr::double as arr, risk_score, risk_tier,
       arr_at_risk::double as arr_at_risk, owner_rep_id, owner_name, reasons, next_step
from renewal_risk
where ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
order by
  case when $sort = 'score' then risk_score else arr_at_risk end desc,
  case when $sort = 'score' then arr_at_risk else risk_score end desc,
  contract_id
limit 20
