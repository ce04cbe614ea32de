-- Whether the weekly risk history (risk_weeks, renewal_risk_weekly) covers the week and
-- the one before: each is scored as of its last day.
select count(*) = 2 as historic
from risk_weeks
where week_end in ($to::date - 1, $from::date - 1)
