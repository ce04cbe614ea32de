-- The headline metrics.
select metric, value, n, ci_low, ci_high, null_value, description
from headline_metrics
order by metric
