import fc from 'fast-check';
import type { HoldTarget, InventoryCommand } from './commands.js';

/**
 * Random command streams over a few SKUs, warehouses and orders, with repeats: the same command
 * id redelivered, orders moving forwards and backwards, stock arriving and being counted.
 * Shared by the core's property tests and the core-vs-Lua differential test.
 */
const SKUS = ['HOT', 'COLD-1', 'COLD-2'];
const WAREHOUSES = ['WH-A', 'WH-B'];
const TARGETS: HoldTarget[] = ['LOCKED', 'RESERVED', 'SHIPPED', 'RELEASED', 'NONE'];

const orderCmd = fc.record({
  order: fc.integer({ min: 1, max: 12 }),
  target: fc.constantFrom(...TARGETS),
  lines: fc.uniqueArray(fc.tuple(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 3, selector: ([sku]) => sku }),
  preference: fc.shuffledSubarray(WAREHOUSES, { minLength: 1 }),
}).map(({ order, target, lines, preference }): InventoryCommand => ({
  t: 'order', id: `o${order}-${target}`, orderKey: `sim:shop:${order}`, target,
  lines: [...lines].sort(([a], [b]) => (a < b ? -1 : 1)), warehouses: preference,
}));

const movementCmd = (kinds: ('RECEIPT' | 'COUNT' | 'SAFETY_STOCK' | 'RETURN')[]) => fc.record({
  n: fc.integer({ min: 1, max: 6 }),
  kind: fc.constantFrom(...kinds),
  sku: fc.constantFrom(...SKUS),
  warehouse: fc.constantFrom(...WAREHOUSES),
  quantity: fc.integer({ min: 0, max: 8 }),
}).map(({ n, kind, sku, warehouse, quantity }): InventoryCommand => ({
  t: 'move', id: `m${n}-${kind}-${sku}-${warehouse}-${quantity}`, kind, sku, warehouse, quantity,
}));

/** Any stream, including counts and safety stock that can reveal a shortage. */
export const anyCommands = fc.array(fc.oneof({ weight: 3, arbitrary: orderCmd }, { weight: 1, arbitrary: movementCmd(['RECEIPT', 'RETURN', 'COUNT', 'SAFETY_STOCK']) }), { maxLength: 60 });

/** Orders and receipts only: the stream on which the no-oversell invariants must hold exactly. */
export const ordersAndReceipts = fc.array(fc.oneof({ weight: 3, arbitrary: orderCmd }, { weight: 1, arbitrary: movementCmd(['RECEIPT']) }), { maxLength: 80 });
