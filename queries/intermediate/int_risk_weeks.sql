-- grain: one row per ISO week of the renewal risk history
-- key: week_end
-- description: >
--   The 26 complete ISO weeks before as_of, each by its last day (a Sunday): the cut-offs at
--   which int_renewal_risk_scores also scores the renewals then due, so that the weekly report
--   can tell ARR at risk as it stood at a week's end rather than as it stands today.
-- columns:
--   week_end: the week's Sunday; the scores use data dated on or before it
--   iso_week: the week, as 2026-W47
-- tests:
--   - assert: select * from int_risk_weeks where week_end >= (select as_of from precedent_settings) or isodow(week_end) <> 7
with last_week as (
    -- The latest Sunday before as_of.
    select (as_of - 1) - (isodow(as_of - 1) % 7)::integer as week_end
    from precedent_settings
)

select
    (l.week_end - (7 * k)::integer) as week_end,
    strftime(l.week_end - (7 * k)::integer, '%G-W%V') as iso_week
from last_week l, range(26) r(k)
