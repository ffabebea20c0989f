import type { InventoryEventKind, StockLevels } from '../../topics/schemas/inventory-event.js';

/** One stock change decided for one SKU line; the shell turns it into an InventoryEvent. */
export interface Decision extends StockLevels {
  kind: InventoryEventKind;
  sku: string;
  warehouse: string;
  quantity: number;
  reason: string | null;
  version: number;
}

/** The decisions for one command. `replayed`: the command was applied before; these are its original decisions. */
export interface CommandResult {
  id: string;
  replayed: boolean;
  decisions: Decision[];
}

/** PENDING: statuses seen without the order's contents (STATUS_ONLY); nothing is held yet. */
export type HoldState = 'PENDING' | 'LOCKED' | 'RESERVED' | 'SHIPPED' | 'RELEASED' | 'REJECTED';

export function availableOf(s: StockLevels): number {
  return s.physical - s.locked - s.reserved - s.safety - s.presaleQuota;
}
