-- The choices of the filter bar.
select 'region' as kind, region as value from (select distinct region from account_summary where region is not null)
union all
select 'team', team from (select distinct team from deal_discounts where team is not null)
union all
select 'rep', rep_id from (select distinct rep_id from deal_discounts where rep_id is not null)
union all
select 'quarter', fiscal_quarter from (select distinct fiscal_quarter from deal_discounts where fiscal_quarter is not null)
order by 1, 2
