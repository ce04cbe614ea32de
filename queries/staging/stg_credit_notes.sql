-- grain: one row per credit note
-- key: credit_note_id
-- description: Credits issued against invoices.
select
    credit_note_id,
    invoice_id,
    issued_date,
    amount,
    reason
from credit_notes
