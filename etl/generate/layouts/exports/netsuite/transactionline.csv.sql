-- grain: one row per invoice line; key: Internal ID, Line Sequence Number
-- A transaction line saved search with default labels: NetSuite signs
-- income lines negative (quantity and amount), amounts (1,234.56). Records
-- Browser, invoice item sublist (item, quantity, rate, amount).
SELECT
    100000 + idnum(invoice_id) AS "Internal ID",
    line_no AS "Line Sequence Number",
    sku AS "Item",
    description AS "Memo",
    -quantity AS "Quantity",
    rate(unit_price) AS "Item Rate",
    money(-amount) AS "Amount"
FROM invoice_lines
ORDER BY invoice_id, line_no
