-- Discount exceptions closed in the week.
select deal_id, account_id, account_name, segment, rep_name, close_date, round(100 * discount_pct, 1) as discount_pct,
       round(100 * policy_max_pct) as policy_max_pct, is_late_quarter, days_to_quarter_end, approval_level,
       round(net_amount::double, 2) as net_amount
from deal_discounts
where is_exception and close_date >= $from::date and close_date < $to::date
order by close_date, deal_id
