import type { InventoryEventKind, StockLevels } from '../../topics/schemas/inventory-event.js';

/**
 * Why a decision was taken: a code and its parameters, positional (as reserve.lua writes
 * decisions). core.ts and reserve.lua both give these; `reasonText` alone writes the text that
 * inventory events carry, so the two never have to agree on wording.
 */
export type Reason =
  | [code: 'invalid-quantity', sku: string, quantity: number]
  | [code: 'no-warehouse']
  | [code: 'short', warehouse: string, presale: boolean, warehouses: number, lines: [sku: string, wanted: number, available: number][]]
  | [code: 'unpaid-timeout']
  | [code: 'low-stock', available: number, threshold: number]
  | [code: 'invalid-movement', kind: string, quantity: number]
  | [code: 'negative-adjustment', quantity: number]
  | [code: 'quota-exceeds', quota: number, available: number]
  | [code: 'no-open-hold', orderKey: string | null, state: HoldState | null]
  /** Decisions stored before reasons were codes carry their text. */
  | [code: 'text', text: string];

/** One stock change decided for one SKU line; the shell turns it into an InventoryEvent. */
export interface Decision extends StockLevels {
  kind: InventoryEventKind;
  sku: string;
  warehouse: string;
  quantity: number;
  reason: Reason | null;
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

/** The reason as inventory events carry it (downstream reads this text: keep it stable). */
export function reasonText(r: Reason | null): string | null {
  if (r === null) return null;
  switch (r[0]) {
    case 'invalid-quantity':
      return `invalid quantity ${r[2]} for ${r[1]}`;
    case 'no-warehouse':
      return 'no warehouse configured';
    case 'short': {
      const [, warehouse, presale, warehouses, lines] = r;
      // Lua's cjson writes an empty list as {}.
      const short = (Array.isArray(lines) ? lines : []).map(([sku, q, a]) => `${sku} wants ${q}, ${a} ${presale ? 'in presale quota' : 'available'}`);
      const others = warehouses > 1 ? `; no other of ${warehouses} warehouses can fill it` : '';
      return `insufficient ${presale ? 'presale quota' : 'stock'} at ${warehouse}: ${short.join(', ')}${others}`;
    }
    case 'unpaid-timeout':
      return 'unpaid timeout';
    case 'low-stock':
      return `available ${r[1]} <= threshold ${r[2]}`;
    case 'invalid-movement':
      return `invalid ${r[1]} quantity ${r[2]}`;
    case 'negative-adjustment':
      return `adjustment ${r[1]} would make physical stock negative`;
    case 'quota-exceeds':
      return `presale quota ${r[1]} exceeds what is available (${r[2]})`;
    case 'no-open-hold':
      return `scan-out of ${r[1] ?? '(no order)'}: no open hold (${r[2] ?? 'unknown order'})`;
    case 'text':
      return r[1];
  }
}
