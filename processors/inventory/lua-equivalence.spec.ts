import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.js';
import { anyCommands } from './arbitraries.js';
import type { InventoryCommand } from './commands.js';
import { applyAll, emptyState, type Hold, type StockRecord } from './core.js';
import { reasonText } from './decision.js';
import { RedisInventoryStore, type StoredHold } from './store.js';

/** What of a hold the rules act on later: fields the Lua has no use for in that state are left out. */
function holdView(h: Hold | StoredHold | null, timer: number | undefined) {
  if (h === null) return null;
  return {
    state: h.state,
    lines: h.lines,
    timer: timer ?? null,
    ...(h.lines.length > 0 ? { presale: h.presale } : {}),
    ...(h.state === 'PENDING' ? { pending: h.pending } : {}),
    // The header is kept (and read) only to announce an unpaid lock's expiry.
    ...(timer !== undefined ? { meta: h.meta } : {}),
  };
}

/**
 * reserve.lua must apply exactly the rules of the pure core. Random streams (with redeliveries,
 * counts, safety stock, backwards moves) go through both in random batches; after every batch the
 * decisions (reason codes included), every order's hold (state, lines with warehouse and
 * quantity, timer), the stock levels and the timers must match.
 */
describe('reserve.lua is the pure core, inside Redis', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('luaeq');
  });
  afterAll(async () => {
    // Each property run used its own key prefix {<ns>_<run>}: remove them all.
    for (let cursor = '0'; ; ) {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `{${ctx.namespace}_*`, 'COUNT', 5000);
      if (keys.length > 0) await ctx.redis.del(...keys);
      if (next === '0') break;
      cursor = next;
    }
    await ctx?.close();
  });

  it('gives the same decisions, holds, stock and timers after every batch of random command streams', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(anyCommands, fc.integer({ min: 1, max: 7 }), async (cmds, batchSize) => {
        const store = new RedisInventoryStore(ctx.redis, `${ctx.namespace}_${run++}`);
        const orders = [...new Set(cmds.flatMap((c: InventoryCommand) => (c.orderKey !== null ? [c.orderKey] : [])))];
        let state = emptyState();
        for (let i = 0; i < cmds.length; i += batchSize) {
          const batch = cmds.slice(i, i + batchSize);
          const expected = applyAll(state, batch);
          state = expected.state;
          const actual = await store.apply(batch);
          const [holds, timers, ...stock] = await Promise.all([
            store.holds(orders),
            store.timers(),
            ...[...state.stock.keys()].map((key) => store.levels(...(key.split('@') as [string, string]))),
          ]);
          const at = `after commands ${i}–${i + batch.length - 1}`;
          expect(actual, at).toEqual(expected.results);
          expect(
            orders.map((k) => holdView(holds.get(k)!, timers.get(k))),
            at,
          ).toEqual(orders.map((k) => holdView(state.holds.get(k) ?? null, state.timers.get(k))));
          expect(stock, at).toEqual<StockRecord[]>([...state.stock.values()]);
          expect(timers, at).toEqual(state.timers);
        }
        // Nothing else was written: no stock key or hold the core does not have.
        const keys = await ctx.redis.keys(`${store.prefix}[sh]:*`);
        expect(keys.filter((k) => k.startsWith(`${store.prefix}s:`)).length).toBe(state.stock.size);
        expect(keys.filter((k) => k.startsWith(`${store.prefix}h:`)).length).toBe(state.holds.size);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the same reasons for what the random streams do not produce, with the texts of old', async () => {
    const o = (n: number, lines: [string, number][], warehouses: string[], presale = false): InventoryCommand => ({
      t: 'order',
      id: `h${n}`,
      orderKey: `k:${n}`,
      target: 'LOCKED',
      lines,
      warehouses,
      presale,
      split: 'none',
      expiresAt: 0,
      meta: '',
    });
    const m = (n: number, kind: Extract<InventoryCommand, { t: 'move' }>['kind'], quantity: number, orderKey: string | null = null): InventoryCommand => ({
      t: 'move',
      id: `m${n}`,
      kind,
      sku: 'A',
      warehouse: 'WH-A',
      quantity,
      orderKey,
    });
    const cmds = [
      o(1, [['A', 0]], ['WH-A']),
      o(2, [['A', 1.5]], ['WH-A']),
      o(
        3,
        [
          ['A', -2],
          ['B', 1],
        ],
        ['WH-A', 'WH-B'],
      ),
      o(4, [['A', 1]], []),
      o(5, [['A', 1]], [], true),
      m(6, 'RECEIPT', -1),
      m(7, 'RETURN', 1.5),
      m(8, 'SCAN_OUT', 1),
      m(9, 'SCAN_OUT', 1, 'nobody'),
      m(10, 'ADJUSTMENT', -5),
      m(11, 'ADJUSTMENT', 2.5),
    ];
    const store = new RedisInventoryStore(ctx.redis, `${ctx.namespace}_hand`);
    const actual = await store.apply(cmds);
    expect(actual).toEqual(applyAll(emptyState(), cmds).results);
    expect(actual.flatMap((r) => r.decisions.map((d) => reasonText(d.reason)))).toEqual([
      'invalid quantity 0 for A',
      'invalid quantity 1.5 for A',
      'invalid quantity -2 for A',
      'invalid quantity -2 for A',
      'no warehouse configured',
      'no warehouse configured',
      'invalid RECEIPT quantity -1',
      'invalid RETURN quantity 1.5',
      'scan-out of (no order): no open hold (unknown order)',
      'scan-out of nobody: no open hold (unknown order)',
      'adjustment -5 would make physical stock negative',
      'invalid ADJUSTMENT quantity 2.5',
    ]);
  });
});
