-- Ambiguity against escalation rate, per contract (a sample of 3,000).
select contract_id, account_id, account_name, ambiguity_score, escalations / exposure_years as escalations_per_year, ambiguity_quintile
from contract_scope
where exposure_years > 0.08
  and ($segment = '' or segment = $segment)
  and ($region = '' or region = $region)
order by hash(contract_id)
limit 3000
