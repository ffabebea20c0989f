import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anyCommands } from '../processors/inventory/arbitraries.js';
import { applyAll, emptyState, type StockRecord } from '../processors/inventory/core.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * reserve.lua must apply exactly the rules of the pure core. Random streams (with redeliveries,
 * counts, safety stock, backwards moves) go through both; results and final stock must match.
 */
describe('reserve.lua is the pure core, inside Redis', () => {
  let ctx: TestContext;
  beforeAll(async () => { ctx = await createTestContext('luaeq'); });
  afterAll(async () => {
    // Each property run used its own key prefix {<ns>_<run>}: remove them all.
    for (let cursor = '0'; ;) {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `{${ctx.namespace}_*`, 'COUNT', 5000);
      if (keys.length > 0) await ctx.redis.del(...keys);
      if (next === '0') break;
      cursor = next;
    }
    await ctx?.close();
  });

  it('gives the same decisions and the same stock for random command streams, in random batch sizes', async () => {
    let run = 0;
    await fc.assert(fc.asyncProperty(anyCommands, fc.integer({ min: 1, max: 7 }), async (cmds, batchSize) => {
      const store = new RedisInventoryStore(ctx.redis, `${ctx.namespace}_${run++}`);
      const expected = applyAll(emptyState(), cmds);
      const actual = [];
      for (let i = 0; i < cmds.length; i += batchSize) actual.push(...(await store.apply(cmds.slice(i, i + batchSize))));
      expect(actual).toEqual(expected.results);
      for (const [key, s] of expected.state.stock) {
        const [sku, wh] = key.split('@') as [string, string];
        expect(await store.levels(sku, wh)).toEqual<StockRecord>(s);
      }
      expect(await store.timers()).toEqual(expected.state.timers);
    }), { numRuns: 1000 });
  });
});
