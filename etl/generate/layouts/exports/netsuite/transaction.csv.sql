-- grain: one row per invoice or credit memo; key: Internal ID
-- A transaction saved search exported with NetSuite's default column labels
-- and US preferences: Type as displayed (Invoice, Credit Memo), dates
-- M/D/YYYY, amounts 1,234.56 and credit memos (1,234.56), Status as
-- displayed (Open, Paid In Full, Voided), Date Closed the day an invoice was
-- paid in full, Name the customer's display name (entity id and company
-- name, CUST42 Ridgespring Foods). Billing Schedule is the
-- invoice's billing configuration; Disputed, Dispute Reason and Salesforce
-- Contract ID are custom transaction body fields (custbody_...), mapped in
-- the layout's precedent.yaml. NetSuite has no status for a debt written
-- off: such invoices say Uncollectible here, which a company would carry in
-- a custom status. Records Browser, invoice (closedate "Date Closed",
-- status):
-- https://www.netsuite.com/help/helpcenter/en_US/srbrowser/Browser2017_1/script/record/invoice.html
SELECT * EXCLUDE (k) FROM (
    SELECT
        100000 + idnum(i.invoice_id) AS "Internal ID",
        'Invoice' AS "Type",
        mdy(i.issued_date) AS "Date",
        mdy(i.due_date) AS "Due Date",
        CASE WHEN i.status = 'paid' THEN mdy(i.paid_date) END AS "Date Closed",
        mdy(i.period_start) AS "Start Date",
        mdy(i.period_end) AS "End Date",
        'INV' || idnum(i.invoice_id) AS "Document Number",
        'CUST' || idnum(i.account_id) || ' ' || a.account_name AS "Name",
        i.currency AS "Currency",
        CASE i.status WHEN 'open' THEN 'Open' WHEN 'paid' THEN 'Paid In Full' WHEN 'void' THEN 'Voided' ELSE 'Uncollectible' END AS "Status",
        money(i.amount) AS "Amount (Foreign Currency)",
        NULL AS "Memo",
        NULL AS "Applied To Transaction",
        i.billing_config_id AS "Billing Schedule",
        CASE WHEN i.is_disputed THEN 'Yes' ELSE 'No' END AS "Disputed",
        i.dispute_reason AS "Dispute Reason",
        sfid('800', i.contract_id) AS "Salesforce Contract ID",
        i.invoice_id AS k
    FROM invoices i JOIN accounts a ON a.account_id = i.account_id
    UNION ALL
    SELECT
        500000 + idnum(n.credit_note_id),
        'Credit Memo',
        mdy(n.issued_date),
        NULL, NULL, NULL, NULL,
        'CM' || idnum(n.credit_note_id),
        'CUST' || idnum(i.account_id) || ' ' || a.account_name,
        i.currency,
        'Fully Applied',
        money(-n.amount),
        n.reason,
        'INV' || idnum(n.invoice_id),
        NULL, 'No', NULL, NULL,
        n.invoice_id || '~' || n.credit_note_id
    FROM credit_notes n JOIN invoices i ON i.invoice_id = n.invoice_id JOIN accounts a ON a.account_id = i.account_id
)
ORDER BY k
