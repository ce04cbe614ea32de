-- The headline metrics.
select *
from headline_metrics
order by metric
