-- The columns of one model, which decide the filters its API call takes.
select column_name from _model_columns where model = $model
