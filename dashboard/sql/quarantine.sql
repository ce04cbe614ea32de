-- Quarantined rows, newest run first, paged.
select run_id, entity, source_file, row_number, column_name, reason, raw_values, count(*) over () as total
from quarantine
where ($run = 0 or run_id = $run)
  and ($entity = '' or entity = $entity)
order by run_id desc, entity, source_file, row_number
limit $limit offset $offset
