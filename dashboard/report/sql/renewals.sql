-- Renewals that entered the 90-day window in the week (end_date - 90 days fell in it) and
-- were not renewed by its end, with their risk as it stood at the week's end
-- (renewal_risk_weekly) with $historic; otherwise with the current scores. Largest ARR at risk
-- (arr * risk_score / 100) first.
with due as (
    select contract_id, account_id, account_name, owner_name, segment, end_date, arr, risk_score, risk_tier, arr_at_risk, reasons, next_step
    from renewal_risk_weekly
    where $historic and week_end = $to::date - 1
    union all
    select contract_id, account_id, account_name, owner_name, segment, end_date, arr, risk_score, risk_tier, arr_at_risk, reasons, next_step
    from renewal_risk
    where not $historic
)

select contract_id, account_id, account_name, owner_name, segment, end_date, round(arr::double, 2) as arr, risk_score, risk_tier,
       round(arr_at_risk::double, 2) as arr_at_risk, reasons, next_step
from due
where end_date - 90 >= $from::date and end_date - 90 < $to::date
order by arr_at_risk desc, risk_score desc, contract_id
