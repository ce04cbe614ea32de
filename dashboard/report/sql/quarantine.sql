-- Rows quarantined by runs in the week.
select count(*) as rows, count(distinct run_id) as runs
from quarantine
where quarantined_at >= $from::date and quarantined_at < $to::date
