-- grain: one row per rep with at least one exception
-- key: rep_id
-- description: >
--   Whether a rep's discounts crept up after their first exception: the mean discount_pct of
--   the rep's next (up to 5) won new or expansion deals after the first exception, minus that of
--   the previous (up to 5). A rep qualifies for rep_contagion_uplift with at least 3 such deals
--   before and 3 after. The first exception itself counts on neither side.
-- columns:
--   deals_before: won new/expansion deals of the rep before the first exception
--   deals_after: won new/expansion deals of the rep after it
--   discount_before: mean discount_pct of the previous up to 5
--   discount_after: mean discount_pct of the next up to 5
--   drift: discount_after - discount_before
--   drift_adjusted: the same difference over each deal's discount_pct minus the mean discount_pct of its segment, deal type and size tertile within segment, so a rep whose mix of deals changed after the exception does not read as drift
--   qualifies: deals_before >= 3 and deals_after >= 3
with won as (
    select
        *,
        discount_pct - avg(discount_pct) over (partition by segment, deal_type, size_tertile) as discount_vs_peers
    from (
        select *, ntile(3) over (partition by segment order by list_amount, deal_id) as size_tertile
        from deal_discounts
        where discount_pct is not null
    )
    where rep_id is not null
),

first_exception as (
    select rep_id, deal_id as first_exception_deal_id, close_date as first_exception_date
    from won
    where is_exception
    qualify row_number() over (partition by rep_id order by close_date, deal_id) = 1
),

deals as (
    select
        w.rep_id,
        w.deal_id,
        w.close_date,
        w.discount_pct,
        w.discount_vs_peers,
        w.close_date < f.first_exception_date
            or (w.close_date = f.first_exception_date and w.deal_id < f.first_exception_deal_id) as is_before
    from won w
    join first_exception f on f.rep_id = w.rep_id
    where w.deal_type in ('new', 'expansion')
      and w.deal_id <> f.first_exception_deal_id
      and w.discount_pct is not null
),

counts as (
    select
        rep_id,
        count(*) filter (where is_before) as deals_before,
        count(*) filter (where not is_before) as deals_after
    from deals
    group by rep_id
),

previous_five as (
    select rep_id, avg(discount_pct) as discount_before, avg(discount_vs_peers) as peers_before
    from (
        select * from deals where is_before
        qualify row_number() over (partition by rep_id order by close_date desc, deal_id desc) <= 5
    )
    group by rep_id
),

next_five as (
    select rep_id, avg(discount_pct) as discount_after, avg(discount_vs_peers) as peers_after
    from (
        select * from deals where not is_before
        qualify row_number() over (partition by rep_id order by close_date, deal_id) <= 5
    )
    group by rep_id
)

select
    f.rep_id,
    r.rep_name,
    r.team,
    f.first_exception_deal_id,
    f.first_exception_date,
    coalesce(c.deals_before, 0) as deals_before,
    coalesce(c.deals_after, 0) as deals_after,
    p.discount_before,
    n.discount_after,
    n.discount_after - p.discount_before as drift,
    n.peers_after - p.peers_before as drift_adjusted,
    coalesce(c.deals_before >= 3 and c.deals_after >= 3, false) as qualifies
from first_exception f
left join stg_reps r on r.rep_id = f.rep_id
left join counts c on c.rep_id = f.rep_id
left join previous_five p on p.rep_id = f.rep_id
left join next_five n on n.rep_id = f.rep_id
