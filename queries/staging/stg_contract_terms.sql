-- grain: one row per contract term
-- key: term_id
-- materialized: view
-- description: Terms of contracts, standard or negotiated.
select
    term_id,
    contract_id,
    term_type,
    is_standard,
    term_text
from contract_terms
