-- Reps' discount drift after their first exception.
select rep_id, coalesce(rep_name, rep_id) as rep_name, team, discount_before, discount_after, drift, deals_before, deals_after
from rep_discount_drift
where qualifies
  and ($team = '' or team = $team)
  and ($rep = '' or rep_id = $rep)
order by drift desc, rep_id
