-- Won deals closed in the week that cite an earlier deal as their precedent.
select d.deal_id, d.account_id, d.account_name, d.close_date, round(100 * d.discount_pct, 1) as discount_pct,
       d.precedent_deal_id, round(100 * p.discount_pct, 1) as precedent_discount_pct, p.account_name as precedent_account_name
from deal_discounts d
left join deal_discounts p on p.deal_id = d.precedent_deal_id
where d.precedent_deal_id is not null and d.close_date >= $from::date and d.close_date < $to::date
order by d.close_date, d.deal_id
