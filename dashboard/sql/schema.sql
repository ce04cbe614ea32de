-- Every column of every model, for the SQL page's schema browser.
select m.layer, m.name, m.grain, m.description, c.column_name, c.data_type, c.description as column_doc
from _models m
join _model_columns c on c.model = m.name
order by list_position(['marts', 'user', 'intermediate', 'staging'], m.layer), m.name, c.position
