-- Models the API serves: marts and analysts' models that built, with the
-- key their rows are ordered by.
select name, layer, key from _models where layer in ('marts', 'user') and status = 'built' order by name
