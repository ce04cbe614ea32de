-- grain: one row per contract
-- key: contract_id
-- description: >
--   The observable signals of ambiguous scope per contract and the ambiguity score built from
--   them: vague phrases of the lexicon in the scope text, the share of the originating deal's
--   list value in custom (non-catalog) lines, non-standard terms and side letters. Phrases match
--   whole words, case-insensitively; text is compared with punctuation removed, so "etc."
--   matches "etc" and "TBD" matches "tbd". ambiguity_score (0-100) = 40 * min(vague phrases, 5) / 5
--   + 25 * custom_line_share + 25 * min(non-standard terms, 4) / 4 + 10 * side letter.
-- columns:
--   vague_phrase_count: occurrences of lexicon phrases in scope_text
--   matched_phrases: the distinct phrases found, alphabetical, separated by "; "
--   custom_line_share: list value of custom lines / list value of all lines of the contract's deal (0 without lines)
--   nonstandard_term_count: terms with is_standard false
--   score_vague: 40 * min(vague_phrase_count, 5) / 5
--   score_custom: 25 * custom_line_share
--   score_terms: 25 * min(nonstandard_term_count, 4) / 4
--   score_side_letter: 10 when the contract has a side letter
--   ambiguity_score: the sum of the four parts, 0-100
with phrases as (
    select
        phrase,
        ' ' || trim(regexp_replace(phrase, '[^a-z0-9]+', '  ', 'g')) || ' ' as pattern
    from vague_phrases
),

texts as (
    select
        contract_id,
        '  ' || regexp_replace(lower(coalesce(scope_text, '')), '[^a-z0-9]+', '  ', 'g') || '  ' as norm
    from stg_contracts
),

matches as (
    select
        t.contract_id,
        p.phrase,
        (length(t.norm) - length(replace(t.norm, p.pattern, ''))) // length(p.pattern) as n
    from texts t
    join phrases p on contains(t.norm, p.pattern)
),

vague as (
    select
        contract_id,
        sum(n)::integer as vague_phrase_count,
        string_agg(phrase, '; ' order by phrase) filter (where n > 0) as matched_phrases
    from matches
    group by contract_id
),

lines as (
    select
        c.contract_id,
        coalesce(sum(l.list_value) filter (where l.is_custom) / nullif(sum(l.list_value), 0), 0) as custom_line_share,
        count(l.line_id) filter (where l.is_custom) as custom_lines
    from stg_contracts c
    left join stg_deal_lines l on l.deal_id = c.deal_id
    group by c.contract_id
),

terms as (
    select contract_id, count(*) filter (where not is_standard)::integer as nonstandard_term_count
    from stg_contract_terms
    group by contract_id
),

features as (
    select
        c.contract_id,
        c.account_id,
        c.deal_id,
        c.start_date,
        c.end_date,
        coalesce(v.vague_phrase_count, 0) as vague_phrase_count,
        v.matched_phrases,
        coalesce(l.custom_line_share, 0)::double as custom_line_share,
        coalesce(l.custom_lines, 0)::integer as custom_lines,
        coalesce(t.nonstandard_term_count, 0) as nonstandard_term_count,
        coalesce(c.has_side_letter, false) as has_side_letter
    from stg_contracts c
    left join vague v on v.contract_id = c.contract_id
    left join lines l on l.contract_id = c.contract_id
    left join terms t on t.contract_id = c.contract_id
)

select
    *,
    40.0 * least(vague_phrase_count, 5) / 5 as score_vague,
    25.0 * custom_line_share as score_custom,
    25.0 * least(nonstandard_term_count, 4) / 4 as score_terms,
    case when has_side_letter then 10.0 else 0.0 end as score_side_letter,
    round(score_vague + score_custom + score_terms + score_side_letter, 1) as ambiguity_score
from features
