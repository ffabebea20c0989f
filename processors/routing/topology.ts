/**
 * The router at a glance:
 *
 *   order-events ─────┐                    ┌─ Redis  {ns}:route:o:<orderKey>  join state per order
 *                     ├─► core.ts (join,  ─┤        (contents, reserved lines, seen ids, outputs)
 *   inventory-events ─┘   carrier rules)   │        written by compare-and-set (cas.lua)
 *   (RESERVED, RELEASED,                   ├─► warehouse-orders   (key warehouse) one Shipment per warehouse
 *    REJECTED, SHIPPED)                    └─► fulfilment-events  (key orderKey)  ROUTED per Shipment
 *
 * Rules: rules.ts (JSON document), carrier.ts, core.ts (pure). Shell: processor.ts. Group: <ns>.routing.
 */
export const ROUTING_INPUTS = ['orderEvents', 'inventoryEvents'] as const;
export const ROUTING_OUTPUTS = ['warehouseOrders', 'fulfilmentEvents'] as const;
export const ROUTING_GROUP = 'routing';
