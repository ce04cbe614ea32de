-- Data test results of the published build, failures first.
select model, test, status, failing_rows from _data_tests order by status = 'pass', model, test
