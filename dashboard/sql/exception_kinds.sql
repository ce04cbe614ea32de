-- Exception kinds and how many of each under the register's filters; every
-- kind is listed, so a chosen kind stays in the list when none match.
select
    kind,
    count(*) filter (where ($segment = '' or segment = $segment)
        and ($region = '' or region = $region)
        and ($rep = '' or rep_id = $rep)) as n
from exception_register
group by kind
order by kind
