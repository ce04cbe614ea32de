-- Models the API serves: marts and analysts' models that built.
select name, layer from _models where layer in ('marts', 'user') and status = 'built' order by name
