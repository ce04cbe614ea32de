-- The models the API serves (marts and analysts' models that built), each
-- with its grain, key, description and rows, and its columns in order as
-- the published table has them, with their documentation.
select m.name, m.layer, m.grain, m.key, m.description, m.row_count,
    c.column_name, c.data_type, coalesce(d.description, '') as column_doc
from _models m
join information_schema.columns c on c.table_name = m.name and c.table_schema = 'main'
left join _model_columns d on d.model = m.name and d.column_name = c.column_name
where m.layer in ('marts', 'user') and m.status = 'built'
order by m.name, c.ordinal_position
