-- One account's summary.
select * from account_summary where account_id = $account_id
