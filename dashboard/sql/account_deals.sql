-- One account's won deals with their discounts.
select deal_id, deal_type, close_date, fiscal_quarter, rep_id, list_amount::double as list_amount, net_amount::double as net_amount,
       discount_pct, policy_max_pct, is_exception, is_late_quarter, days_to_quarter_end, approval_level, discount_reason, precedent_deal_id
from deal_discounts
where account_id = $account_id
order by close_date, deal_id
