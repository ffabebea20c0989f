-- Keyset pagination of the read-only query API: newest orders first, stock by SKU and warehouse.
create index orders_keyset on orders (occurred_at desc, order_key collate "C" desc);
create index stock_levels_keyset on stock_levels (sku collate "C", warehouse collate "C");
