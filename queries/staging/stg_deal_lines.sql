-- grain: one row per quote line
-- key: line_id
-- materialized: view
-- description: Quote lines; a line without a SKU is a custom, non-catalog line. Prices in the base currency at their deal's rate.
-- columns:
--   list_unit_price: in the base currency
--   net_unit_price: in the base currency
--   is_custom: true when the line has no SKU (not in the catalog)
--   list_value: quantity * list_unit_price, in the base currency
--   net_value: quantity * net_unit_price, in the base currency
--   currency: the currency of the deal
--   list_unit_price_original: list_unit_price as the source wrote it, in currency
--   net_unit_price_original: net_unit_price as the source wrote it, in currency
--   fx_rate: the deal's rate to the base currency (1 for the base currency)
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
    (quantity * net_unit_price)::double as net_value,
    currency,
    list_unit_price_original,
    net_unit_price_original,
    fx_rate
from deal_lines
