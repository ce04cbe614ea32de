-- The models of the published build.
select name, layer, grain, description, depends_on, status, error, row_count, build_seconds, tests_passed, tests_failed
from _models
order by list_position(['staging', 'intermediate', 'marts', 'user'], layer), name
