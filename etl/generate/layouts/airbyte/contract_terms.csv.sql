-- grain: one row per contract term; key: term_id
-- As in the other layouts: Salesforce has no standard object for a
-- contract's clauses (a company keeps them in its contract-management tool,
-- for which Precedent has no adapter), so the layout writes them in the
-- data contract's own layout, keyed by the Salesforce contract id.
SELECT term_id, sfid('800', contract_id) AS contract_id, term_type, is_standard, term_text
FROM contract_terms
ORDER BY term_id
