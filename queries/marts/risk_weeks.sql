-- grain: one row per ISO week of the renewal risk history
-- key: week_end
-- description: >
--   The weeks renewal_risk_weekly scores: the 26 complete ISO weeks before as_of, each by its
--   last day (a Sunday). Pages and the weekly report read the weeks from here, so that a week
--   with no renewal due still shows, and whether the history covers a week is one look-up.
-- columns:
--   week_end: the week's Sunday; its scores use data dated on or before it
--   iso_week: the week, as 2026-W47
-- tests:
--   - not_null: [week_end, iso_week]
select week_end, iso_week
from int_risk_weeks
