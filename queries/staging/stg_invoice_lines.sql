-- grain: one row per invoice line
-- key: [invoice_id, line_no]
-- description: Lines of invoices.
select
    invoice_id,
    line_no,
    sku,
    description,
    quantity,
    unit_price,
    amount
from invoice_lines
