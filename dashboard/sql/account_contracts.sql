-- One account's contracts with their scope.
select contract_id, deal_id, start_date, end_date, ambiguity_score, ambiguity_quintile, vague_phrase_count, matched_phrases,
       custom_line_share, nonstandard_term_count, has_side_letter, escalations, scope_text
from contract_scope
where account_id = $account_id
order by start_date, contract_id
