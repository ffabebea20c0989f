import type { Schema } from 'avsc';

/** What the inventory processor decided, one event per SKU line touched, with the stock after it. */
export const INVENTORY_EVENT_KINDS = [
  'LOCKED',
  'REJECTED',
  'RESERVED',
  'RELEASED',
  'SHIPPED',
  'RECEIVED',
  'COUNTED',
  'SAFETY_STOCK_SET',
  'ADJUSTED',
  'PRESALE_QUOTA_SET',
  'THRESHOLD_SET',
  'LOW_STOCK',
] as const;
export type InventoryEventKind = (typeof INVENTORY_EVENT_KINDS)[number];

/**
 * physical = available + locked + reserved + safety + presaleQuota. presaleQuota is stock set aside
 * for presale orders only (counted as "reserved" in the usual four-state
 * available / locked / reserved / safety model).
 */
export interface StockLevels {
  physical: number;
  locked: number;
  reserved: number;
  safety: number;
  presaleQuota: number;
}

export interface InventoryEvent extends StockLevels {
  /** Deterministic (cause id + sku), so a re-emitted decision is recognisably the same one. */
  eventId: string;
  kind: InventoryEventKind;
  /** The order behind it, or null for warehouse movements. */
  orderKey: string | null;
  sku: string;
  warehouse: string;
  quantity: number;
  /** Why an order was rejected; null otherwise. */
  reason: string | null;
  available: number;
  /** Per SKU × warehouse, +1 on every change: projections keep only the newest levels. */
  version: number;
  occurredAt: number;
}

export const inventoryEventSchema: Schema = {
  type: 'record',
  name: 'InventoryEvent',
  namespace: 'dev.omnistream.inventory',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'InventoryEventKind', symbols: [...INVENTORY_EVENT_KINDS] } },
    { name: 'orderKey', type: ['null', 'string'], default: null },
    { name: 'sku', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'reason', type: ['null', 'string'], default: null },
    { name: 'physical', type: 'long' },
    { name: 'locked', type: 'long' },
    { name: 'reserved', type: 'long' },
    { name: 'safety', type: 'long' },
    { name: 'presaleQuota', type: 'long', default: 0 },
    { name: 'available', type: 'long' },
    { name: 'version', type: 'long' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
