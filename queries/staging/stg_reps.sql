-- grain: one row per sales rep
-- key: rep_id
-- materialized: view
-- description: Sales reps and their teams.
select
    rep_id,
    rep_name,
    coalesce(team, 'Unassigned') as team,
    manager_id
from reps
