-- The precedent graph: the exceptions that spread most, and the renewals
-- anchored to them and the deals that cite them.
with top as (
    select *
    from discount_precedents
    where ($segment = '' or segment = $segment)
      and ($region = '' or region = $region)
      and ($team = '' or team = $team)
      and ($rep = '' or rep_id = $rep)
      and ($quarter_from = '' or fiscal_quarter >= $quarter_from)
      and ($quarter_to = '' or fiscal_quarter <= $quarter_to)
      and (anchored_renewals + cited_by) > 0
    order by anchored_renewals + cited_by + rep_followers desc, deal_id
    limit 25
),
anchored as (
    select t.deal_id as source, a.renewal_deal_id as target, 'anchored renewal' as kind
    from top t
    join renewal_anchoring a on a.precedent_deal_id = t.deal_id and a.is_anchored
),
cited as (
    select t.deal_id as source, d.deal_id as target, 'cites it' as kind
    from top t
    join deal_discounts d on d.precedent_deal_id = t.deal_id
)
select e.source, e.target, e.kind,
       s.account_id as source_account, s.account_name as source_account_name, s.rep_id as source_rep, s.discount_pct as source_discount,
       d.account_id as target_account, d.account_name as target_account_name, d.rep_id as target_rep, d.discount_pct as target_discount
from (select * from anchored union all select * from cited) e
join deal_discounts s on s.deal_id = e.source
join deal_discounts d on d.deal_id = e.target
order by e.source, e.target
