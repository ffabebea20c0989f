import fc from 'fast-check';
import type { HoldTarget, InventoryCommand } from './commands.js';

/**
 * Random command streams over a few SKUs, warehouses and orders, with repeats: the same command
 * id redelivered, orders moving forwards and backwards, presale orders, split allocation, unpaid
 * expiries, stock arriving, counted, adjusted, set aside and scanned out.
 * Shared by the core's property tests and the core-vs-Lua differential test.
 */
const SKUS = ['HOT', 'COLD-1', 'COLD-2'];
const WAREHOUSES = ['WH-A', 'WH-B'];
const TARGETS: HoldTarget[] = ['LOCKED', 'RESERVED', 'SHIPPED', 'RELEASED', 'EXPIRED', 'NONE'];
const orderKey = (n: number) => `sim:shop:${n}`;

const orderCmd = fc
  .record({
    order: fc.integer({ min: 1, max: 8 }),
    target: fc.constantFrom(...TARGETS),
    // Empty lines: a STATUS_ONLY event (the push named a status, not the order's contents).
    lines: fc.uniqueArray(fc.tuple(fc.constantFrom(...SKUS), fc.integer({ min: 1, max: 4 })), { minLength: 0, maxLength: 3, selector: ([sku]) => sku }),
    preference: fc.shuffledSubarray(WAREHOUSES, { minLength: 1 }),
    presale: fc.boolean(),
    split: fc.constantFrom('none' as const, 'by-line' as const),
    expiresAt: fc.constantFrom(0, 1000, 2000),
    // A second id for the same order and status: a channel update that changes nothing for stock.
    variant: fc.integer({ min: 1, max: 2 }),
  })
  .map(
    ({ order, target, lines, preference, presale, split, expiresAt, variant }): InventoryCommand => ({
      t: 'order',
      id: `o${order}-${target}-${variant}`,
      orderKey: orderKey(order),
      target,
      lines: [...lines].sort(([a], [b]) => (a < b ? -1 : 1)),
      warehouses: preference,
      presale: presale && order % 2 === 0,
      split,
      expiresAt,
      meta: `{"o":${order}}`,
    }),
  );

type Kind = 'RECEIPT' | 'RETURN' | 'COUNT' | 'SAFETY_STOCK' | 'ADJUSTMENT' | 'SCAN_OUT' | 'PRESALE_QUOTA' | 'LOW_STOCK_THRESHOLD';
const movementCmd = (kinds: Kind[]) =>
  fc
    .record({
      n: fc.integer({ min: 1, max: 6 }),
      kind: fc.constantFrom(...kinds),
      sku: fc.constantFrom(...SKUS),
      warehouse: fc.constantFrom(...WAREHOUSES),
      quantity: fc.integer({ min: -3, max: 12 }),
      order: fc.integer({ min: 1, max: 8 }),
    })
    .map(
      ({ n, kind, sku, warehouse, quantity, order }): InventoryCommand => ({
        t: 'move',
        id: `m${n}-${kind}-${sku}-${warehouse}-${quantity}`,
        kind,
        sku,
        warehouse,
        quantity: kind === 'ADJUSTMENT' ? quantity : Math.abs(quantity),
        orderKey: kind === 'SCAN_OUT' ? orderKey(order) : null,
      }),
    );

const ALL_KINDS: Kind[] = ['RECEIPT', 'RETURN', 'COUNT', 'SAFETY_STOCK', 'ADJUSTMENT', 'SCAN_OUT', 'PRESALE_QUOTA', 'LOW_STOCK_THRESHOLD'];

/** Stock in every SKU × warehouse, some set aside for presale, some thresholds: so streams reach every rule. */
const setup = fc
  .tuple(
    ...SKUS.flatMap((sku) =>
      WAREHOUSES.map((wh) =>
        fc
          .record({ have: fc.integer({ min: 0, max: 14 }), quota: fc.integer({ min: 0, max: 6 }), threshold: fc.integer({ min: 0, max: 12 }) })
          .map(({ have, quota, threshold }): InventoryCommand[] => [
            { t: 'move', id: `setup-r-${sku}-${wh}`, kind: 'RECEIPT', sku, warehouse: wh, quantity: have, orderKey: null },
            { t: 'move', id: `setup-q-${sku}-${wh}`, kind: 'PRESALE_QUOTA', sku, warehouse: wh, quantity: quota, orderKey: null },
            { t: 'move', id: `setup-t-${sku}-${wh}`, kind: 'LOW_STOCK_THRESHOLD', sku, warehouse: wh, quantity: threshold, orderKey: null },
          ]),
      ),
    ),
  )
  .map((groups) => groups.flat());

/** Any stream, including counts, adjustments and safety stock that can reveal a shortage. */
export const anyCommands = fc
  .tuple(setup, fc.array(fc.oneof({ weight: 4, arbitrary: orderCmd }, { weight: 2, arbitrary: movementCmd(ALL_KINDS) }), { maxLength: 60 }))
  .map(([first, rest]) => [...first, ...rest]);

/** Orders, receipts, quotas, thresholds and scan-outs: the stream on which no-oversell must hold exactly. */
export const ordersAndReceipts = fc.array(
  fc.oneof({ weight: 4, arbitrary: orderCmd }, { weight: 2, arbitrary: movementCmd(['RECEIPT', 'PRESALE_QUOTA', 'LOW_STOCK_THRESHOLD', 'SCAN_OUT']) }),
  { maxLength: 80 },
);
