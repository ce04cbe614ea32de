-- The vague phrases whose contracts escalate most, per exposure year.
with c as (
    select *
    from contract_scope
    where exposure_years > 0
      and ($segment = '' or segment = $segment)
      and ($region = '' or region = $region)
),
phrases as (
    select unnest(string_split(matched_phrases, '; ')) as phrase, exposure_years, escalations
    from c
    where matched_phrases is not null
)
select
    phrase,
    count(*) as contracts,
    sum(escalations) / sum(exposure_years) as escalations_per_year,
    (select sum(escalations) / sum(exposure_years) from c) as overall_per_year
from phrases
group by phrase
having count(*) >= 5
order by escalations_per_year desc, phrase
limit 12
