import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/context.js';
import type { WavePlacement } from './classify.js';
import { joinBase, type Placed, type WaveMember } from './core.js';
import { type PlanWrite, RedisWaveStore } from './store.js';

const member = (id: string): WaveMember => ({
  shipmentId: id,
  orderKey: `o:${id}`,
  channel: 'shopify',
  warehouse: 'WH',
  carrier: 'ZTO',
  lines: [],
  flagged: false,
  reason: null,
});
const placed = (id: string, base: string, releaseAt = 1000, releaseWhenFull = releaseAt): Placed => {
  const placement: WavePlacement = { base, releaseAt, releaseWhenFull, flagged: false, reason: null };
  return { member: member(id), placement };
};

/** Counts the conflicts its compare-and-set met. */
class CountingStore extends RedisWaveStore {
  conflicts = 0;
  override async compareAndSet(writes: PlanWrite[]): Promise<string[]> {
    const c = await super.compareAndSet(writes);
    this.conflicts += c.length;
    return c;
  }
}

/**
 * Two planner instances (a zombie after a rebalance, or two partitions) on their own Redis
 * connections, writing the same wave bases: a stale write must be refused, retried over what
 * the other wrote, and no shipment may be lost or waved twice.
 */
describe('wave plans by compare-and-set on Redis', () => {
  let ctx: TestContext;
  let other: Redis;
  let n = 0;
  /** Two stores over a fresh namespace of their own. */
  const pair = (): [CountingStore, CountingStore] => {
    const ns = `${ctx.namespace}_${n++}`;
    return [new CountingStore(ctx.redis, ns), new CountingStore(other, ns)];
  };
  /** Released waves with their members (shipment ids), by wave. */
  const released = async (store: RedisWaveStore): Promise<Map<string, string[]>> =>
    new Map((await store.outbox(10_000)).map((w) => [w.waveId, w.members.map((m) => m.shipmentId)]));

  beforeAll(async () => {
    ctx = await createTestContext('wavecas');
    other = new Redis(ctx.config.REDIS_URL);
  });
  afterAll(async () => {
    other?.disconnect();
    for (let cursor = '0'; ; ) {
      const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `{${ctx.namespace}_*`, 'COUNT', 5000);
      if (keys.length > 0) await ctx.redis.del(...keys);
      if (next === '0') break;
      cursor = next;
    }
    await ctx?.close();
  });

  it('a write over a stale read conflicts; the retry joins what is new and skips what the other placed', async () => {
    const [a, b] = pair();
    const aItems = ['a1', 'a2', 'a3'].map((id) => placed(id, 'K'));
    const bItems = [placed('b1', 'K'), placed('b2', 'K')];
    // Both read version 0 of K; A writes first.
    const [readA, readB] = await Promise.all([a.read(['K'], ['a1', 'a2', 'a3']), b.read(['K'], ['b1', 'b2'])]);
    const write = (read: typeof readA, items: Placed[]): PlanWrite => {
      const { version, plan } = read.plans.get('K')!;
      const step = joinBase(plan, 'K', items, read.seen, 10);
      return { base: 'K', expected: version, plan: step.plan, joined: step.joined, released: [] };
    };
    expect(await a.compareAndSet([write(readA, aItems)])).toEqual([]);
    expect(await b.compareAndSet([write(readB, bItems)])).toEqual(['K']);
    // Nothing of the refused write landed.
    expect(await b.wavesOf(['a1', 'b1', 'b2'])).toEqual(['K', null, null]);
    // The loop re-reads and re-applies over A's plan; a1, redelivered to B, is seen.
    expect(await b.add([placed('a1', 'K'), ...bItems], 10)).toBe(2);
    expect(await b.release(1000)).toBe(1);
    expect(await released(a)).toEqual(new Map([['K', ['a1', 'a2', 'a3', 'b1', 'b2']]]));
    expect((await a.read(['K'], [])).plans.get('K')).toEqual({ version: 3, plan: { generation: 2, waves: [] } });
  });

  it('a redelivery placed under another base (the clock moved) conflicts on its seen mark, not only on versions', async () => {
    const [a, b] = pair();
    const [readA, readB] = await Promise.all([a.read(['K1'], ['x']), b.read(['K2'], ['x', 'y'])]);
    const stepA = joinBase(readA.plans.get('K1')!.plan, 'K1', [placed('x', 'K1')], readA.seen, 10);
    const stepB = joinBase(readB.plans.get('K2')!.plan, 'K2', [placed('x', 'K2'), placed('y', 'K2')], readB.seen, 10);
    expect(await a.compareAndSet([{ base: 'K1', expected: 0, plan: stepA.plan, joined: stepA.joined, released: [] }])).toEqual([]);
    // K2 is unchanged, but x was placed meanwhile: refused.
    expect(await b.compareAndSet([{ base: 'K2', expected: 0, plan: stepB.plan, joined: stepB.joined, released: [] }])).toEqual(['K2']);
    expect(await b.add([placed('x', 'K2'), placed('y', 'K2')], 10)).toBe(1);
    await a.release(1000);
    expect(await released(a)).toEqual(
      new Map([
        ['K1', ['x']],
        ['K2', ['y']],
      ]),
    );
  });

  it('a release racing an add on the same base: the add retries into the next generation', async () => {
    const [a, b] = pair();
    await a.add([placed('s1', 'K', 100)], 10);
    // A reads K (wave K open), then B releases K before A writes.
    const readA = await a.read(['K'], ['s2']);
    expect(await b.release(100)).toBe(1);
    const { version, plan } = readA.plans.get('K')!;
    const step = joinBase(plan, 'K', [placed('s2', 'K', 100)], readA.seen, 10);
    expect(step.joined[0]!.waveId).toBe('K');
    expect(await a.compareAndSet([{ base: 'K', expected: version, plan: step.plan, joined: step.joined, released: [] }])).toEqual(['K']);
    expect(await a.add([placed('s2', 'K', 100)], 10)).toBe(1);
    expect(await a.wavesOf(['s1', 's2'])).toEqual(['K', 'K#2']);
    expect(await a.release(100)).toBe(1);
    expect(await released(b)).toEqual(
      new Map([
        ['K', ['s1']],
        ['K#2', ['s2']],
      ]),
    );
  });

  it('two instances adding overlapping batches and releasing at once: every shipment in exactly one wave', async () => {
    const [a, b] = pair();
    const BASES = ['K1', 'K2', 'K3', 'P'];
    const MAX = 7;
    // 600 shipments in 20 rounds; both instances get each round's batch (one of them a zombie
    // redelivering it), the second with some shipments under another base (clock moved).
    const all: string[] = [];
    for (let round = 0; round < 20; round++) {
      const ids = Array.from({ length: 30 }, (_, i) => `r${round}-${i}`);
      all.push(...ids);
      const batchA = ids.map((id, i) => placed(id, BASES[i % 4]!, BASES[i % 4] === 'P' ? 5000 : 100 + round, BASES[i % 4] === 'P' ? 5000 : round));
      const batchB = ids.map((id, i) => (i % 5 === 0 ? placed(id, 'CATCH', round) : batchA[i]!)).reverse();
      await Promise.all([a.add(batchA, MAX), b.add(batchB, MAX), a.release(100 + round - 5), b.release(100 + round - 5)]);
    }
    expect(a.conflicts + b.conflicts).toBeGreaterThan(0);
    await Promise.all([a.release(4999), b.release(4999)]);
    expect([...(await a.openWaves()).keys()].every((w) => w.startsWith('P'))).toBe(true);
    await Promise.all([a.release(5000), b.release(5000)]);
    expect((await a.openWaves()).size).toBe(0);

    const waves = await released(a);
    const waved = [...waves.values()].flat();
    expect(waved.length).toBe(all.length);
    expect(new Set(waved)).toEqual(new Set(all));
    for (const [waveId, members] of waves) {
      expect(members.length, waveId).toBeLessThanOrEqual(MAX);
    }
    // Each seen mark names the wave its shipment was released in.
    const byShipment = new Map([...waves].flatMap(([waveId, members]) => members.map((m) => [m, waveId] as const)));
    expect(await a.wavesOf(all)).toEqual(all.map((id) => byShipment.get(id)));
  });
});
