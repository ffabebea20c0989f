/**
 * The inventory processor at a glance (Kafka Streams style):
 *
 *   order-events ─┐                       ┌─ Redis state store  {ns}:inv:s:<sku>@<wh>  stock levels
 *                 ├─► reserve.lua (atomic ─┤                     {ns}:inv:h:<orderKey>  order holds + decisions
 *   stock-movements┘   per partition batch) └─                    {ns}:inv:m:<movementId> applied movements
 *                         │
 *                         └─► inventory-events (key sku@warehouse, one per SKU line decided)
 *
 * Rules: core.ts (pure). Shell: processor.ts. Group: <ns>.inventory.
 */
export const INVENTORY_INPUTS = ['orderEvents', 'stockMovements'] as const;
export const INVENTORY_OUTPUT = 'inventoryEvents' as const;
export const INVENTORY_GROUP = 'inventory';
