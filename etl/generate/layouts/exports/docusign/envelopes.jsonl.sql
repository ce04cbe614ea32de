-- grain: one row per envelope; key: envelopeId
-- Envelopes as the eSignature REST API returns them (Envelopes:
-- listStatusChanges with include=custom_fields), one envelope object per
-- line: *DateTime with seven fractional digits, and the DocuSign for
-- Salesforce custom fields ##SFOpportunity / ##SFAccount with 15-character
-- ids under customFields.textCustomFields.
-- https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges/
-- https://developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopecustomfields/
-- Every signed contract has its completed envelope; every seventh also an
-- earlier one that was voided (a corrected order form), which is recorded,
-- never signed.
WITH env AS (
    SELECT c.contract_id, c.deal_id, c.account_id, c.signed_date, a.account_name, 'completed' AS status, 0 AS attempt
    FROM contracts c JOIN accounts a ON a.account_id = c.account_id
    WHERE c.signed_date IS NOT NULL
    UNION ALL
    SELECT c.contract_id, c.deal_id, c.account_id, c.signed_date - 3, a.account_name, 'voided', 1
    FROM contracts c JOIN accounts a ON a.account_id = c.account_id
    WHERE c.signed_date IS NOT NULL AND idnum(c.contract_id) % 7 = 0
)
SELECT
    printf('%08x-%04x-4d6e-9a1a-%012x', idnum(contract_id), attempt, idnum(contract_id) * 7919) AS "envelopeId",
    status,
    'Please DocuSign: ' || account_name || ' order form' AS "emailSubject",
    strftime(signed_date - 2, '%Y-%m-%dT15:02:11.0970000Z') AS "createdDateTime",
    strftime(signed_date - 2, '%Y-%m-%dT15:02:13.2470000Z') AS "sentDateTime",
    CASE WHEN status = 'completed' THEN strftime(signed_date, '%Y-%m-%dT09:45:02.5070000Z') END AS "completedDateTime",
    CASE WHEN status = 'voided' THEN strftime(signed_date, '%Y-%m-%dT11:00:00.0000000Z') END AS "voidedDateTime",
    strftime(signed_date, '%Y-%m-%dT09:45:02.5070000Z') AS "statusChangedDateTime",
    '/envelopes/' || printf('%08x-%04x-4d6e-9a1a-%012x', idnum(contract_id), attempt, idnum(contract_id) * 7919) AS "envelopeUri",
    {
        'textCustomFields': [
            {'fieldId': '10541937601', 'name': '##SFOpportunity', 'show': 'false', 'required': 'false', 'value': sfid15('006', deal_id)},
            {'fieldId': '10541937602', 'name': '##SFAccount', 'show': 'false', 'required': 'false', 'value': sfid15('001', account_id)}
        ],
        'listCustomFields': CAST([] AS VARCHAR[])
    } AS "customFields"
FROM env
ORDER BY contract_id, attempt DESC
