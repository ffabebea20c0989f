import type { Schema } from 'avsc';

/** Warehouse-side stock facts (WMS deltas and counts) that the inventory processor applies. */
export const STOCK_MOVEMENT_KINDS = ['RECEIPT', 'RETURN', 'COUNT', 'SAFETY_STOCK', 'ADJUSTMENT', 'SCAN_OUT', 'PRESALE_QUOTA', 'LOW_STOCK_THRESHOLD'] as const;
export type StockMovementKind = (typeof STOCK_MOVEMENT_KINDS)[number];

export interface StockMovement {
  /** Deterministic id from the WMS; applying the same movement twice changes nothing. */
  movementId: string;
  kind: StockMovementKind;
  sku: string;
  warehouse: string;
  /**
   * RECEIPT/RETURN: units added; COUNT: the counted physical units; SAFETY_STOCK, PRESALE_QUOTA,
   * LOW_STOCK_THRESHOLD: the new level; ADJUSTMENT: a signed delta; SCAN_OUT: units leaving.
   */
  quantity: number;
  /** SCAN_OUT: the order whose parcel left the warehouse. */
  orderKey?: string | null;
  occurredAt: number;
}

export const stockMovementSchema: Schema = {
  type: 'record',
  name: 'StockMovement',
  namespace: 'dev.omnistream.inventory',
  fields: [
    { name: 'movementId', type: 'string' },
    { name: 'kind', type: { type: 'enum', name: 'StockMovementKind', symbols: [...STOCK_MOVEMENT_KINDS] } },
    { name: 'sku', type: 'string' },
    { name: 'warehouse', type: 'string' },
    { name: 'quantity', type: 'int' },
    { name: 'orderKey', type: ['null', 'string'], default: null },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } as Schema },
  ],
};
