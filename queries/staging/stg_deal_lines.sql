-- grain: one row per quote line
-- key: line_id
-- description: Quote lines; a line without a SKU is a custom, non-catalog line.
-- columns:
--   is_custom: true when the line has no SKU (not in the catalog)
--   list_value: quantity * list_unit_price
--   net_value: quantity * net_unit_price
select
    line_id,
    deal_id,
    sku,
    description,
    quantity,
    list_unit_price,
    net_unit_price,
    sku is null as is_custom,
    (quantity * list_unit_price)::double as list_value,
    (quantity * net_unit_price)::double as net_value
from deal_lines
