import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WaybillOutcome } from '../sinks/waybills/core.js';
import { WaybillStore } from '../sinks/waybills/store.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The waybill store on real Redis: remember() calls are pipelined per event-loop turn, and the
 * first outcome remembered for a shipment is the one every caller gets back, however they race.
 */
describe('waybill store: first outcome wins, pipelined', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('wbstore');
  });
  afterAll(async () => {
    await ctx.close();
  });

  const issued = (n: string): WaybillOutcome => ({ kind: 'ISSUED', waybillNo: n, sortCode: null, at: 1_700_000_000_000 });

  it('answers racing calls of one turn with the first outcome, per shipment, and keeps it', async () => {
    const store = new WaybillStore(ctx.redis, ctx.namespace);
    const answers = await Promise.all([
      store.remember('s-1', issued('A')),
      store.remember('s-2', { kind: 'FAILED', reason: 'refused', at: 1 }),
      store.remember('s-1', issued('B')),
    ]);
    expect(answers).toEqual([issued('A'), { kind: 'FAILED', reason: 'refused', at: 1 }, issued('A')]);
    // A later instance (after a rebalance) gets the remembered one too, not its own.
    const other = new WaybillStore(ctx.redis, ctx.namespace);
    expect(await other.remember('s-1', issued('C'))).toEqual(issued('A'));
    expect(await other.getMany(['s-1', 's-2', 's-3'])).toEqual(
      new Map<string, WaybillOutcome>([
        ['s-1', issued('A')],
        ['s-2', { kind: 'FAILED', reason: 'refused', at: 1 }],
      ]),
    );
    expect(await ctx.redis.ttl(`${store.prefix}s-1`)).toBeGreaterThan(80 * 24 * 3600);
  });

  it('forgets on request, so the next outcome is remembered', async () => {
    const store = new WaybillStore(ctx.redis, ctx.namespace);
    await store.remember('s-9', issued('X'));
    await store.forget('s-9');
    expect(await store.remember('s-9', issued('Y'))).toEqual(issued('Y'));
  });
});
