-- grain: one row per contract
-- key: contract_id
-- incremental: {key: contract_id, from: int_contract_activity}
-- description: >
--   How ambiguous each contract's scope is, and why. ambiguity_score (0-100) = 40 * min(vague
--   phrases, 5) / 5 + 25 * custom_line_share + 25 * min(non-standard terms, 4) / 4 + 10 if there
--   is a side letter; the score_* columns are the four parts. Contracts started by as_of are
--   split into quintiles by score (ties by contract_id): 1 = clearest, 5 = most ambiguous.
-- columns:
--   ambiguity_score: 0-100, the sum of score_vague, score_custom, score_terms and score_side_letter
--   vague_phrase_count: occurrences of the vague-phrase lexicon in the scope text
--   matched_phrases: the distinct phrases found
--   custom_line_share: share of the originating deal's list value in custom (non-catalog) lines
--   nonstandard_term_count: contract terms that are not standard
--   ambiguity_quintile: ntile(5) by ambiguity_score among contracts started by as_of; null for later ones
--   exposure_years: (min(end_date, as_of) - start_date) / 365.25; null for contracts not started by as_of
--   escalations: escalated tickets attributed to the contract within its exposure
--   scope_questions: scope-question tickets attributed to the contract within its exposure
--   days_to_first_escalation: days from start_date to the first escalation
-- tests:
--   - not_null: [account_id, ambiguity_score, vague_phrase_count]
--   - accepted_values: {column: ambiguity_quintile, values: ['1', '2', '3', '4', '5']}
--   - assert: select * from contract_scope where ambiguity_score < 0 or ambiguity_score > 100
with settings as (
    select * from precedent_settings
),

-- The quintiles rank every contract; what tickets change (the activity)
-- does not move them, so an update in place ranks on these few columns and
-- builds the wide rows of the changed contracts only.
quintiles as (
    select
        f.contract_id,
        case when f.start_date <= s.as_of then ntile(5) over (partition by f.start_date <= s.as_of order by f.ambiguity_score, f.contract_id) end as ambiguity_quintile
    from int_contract_scope_features f
    join stg_contracts c on c.contract_id = f.contract_id
    cross join settings s
),

scored as (
    select
        f.*,
        q.ambiguity_quintile,
        c.scope_text,
        a.account_name,
        a.segment,
        a.region,
        act.exposure_years,
        act.escalations,
        act.scope_questions,
        act.billing_disputes,
        act.days_to_first_escalation
    from int_contract_scope_features f
    join quintiles q on q.contract_id = f.contract_id
    join stg_contracts c on c.contract_id = f.contract_id
    left join stg_accounts a on a.account_id = f.account_id
    left join int_contract_activity act on act.contract_id = f.contract_id
    cross join settings s
    where precedent_changed(f.contract_id)
)

select
    contract_id,
    account_id,
    account_name,
    segment,
    region,
    deal_id,
    start_date,
    end_date,
    ambiguity_score,
    vague_phrase_count,
    matched_phrases,
    custom_line_share,
    custom_lines,
    nonstandard_term_count,
    has_side_letter,
    score_vague,
    score_custom,
    score_terms,
    score_side_letter,
    ambiguity_quintile,
    exposure_years,
    escalations,
    scope_questions,
    billing_disputes,
    days_to_first_escalation,
    scope_text
from scored
