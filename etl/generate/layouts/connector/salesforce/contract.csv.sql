-- grain: one row per contract; key: id
-- The contract table as Fivetran syncs it. The signature date is the
-- standard CustomerSignedDate (this layout has no DocuSign envelopes);
-- arr_c, auto_renew_c and side_letter_c are custom fields (auto_renew_c and
-- side_letter_c mapped in the layout's precedent.yaml).
SELECT
    sfid('800', c.contract_id) AS id,
    sfid('001', c.account_id) AS account_id,
    c.start_date,
    c.end_date,
    date_diff('month', c.start_date, c.end_date + 1) AS contract_term,
    'Activated' AS status,
    c.scope_text AS description,
    c.signed_date AS customer_signed_date,
    sfid('006', c.deal_id) AS sbqq_opportunity_c,
    (SELECT sfid('006', min(r.deal_id)) FROM contracts r WHERE r.renews_contract_id = c.contract_id) AS sbqq_renewal_opportunity_c,
    c.arr AS arr_c,
    c.currency AS currency_iso_code,
    c.auto_renew AS auto_renew_c,
    c.has_side_letter AS side_letter_c,
    false AS is_deleted,
    '2026-01-01 00:00:00' AS _fivetran_synced
FROM contracts c
ORDER BY c.contract_id
