import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryPlatform } from '../../test/support/memory-platform.js';
import { waitFor } from '../../test/support/processor-child.js';
import type { StockPush } from '../../topics/schemas/stock-push.js';
import type { StockTarget } from '../../topics/schemas/stock-target.js';
import { RateBudget } from './budget.js';
import { ShopPusher } from './pusher.js';
import { StockPushState } from './state.js';

/* The push sink's shell on real Redis (no Kafka): coalescing, sell-out first, rate-limit answers. */
const shop = { channel: 'taobao', shopId: 'tb-1', brand: 'Omni', secret: 'unused' };

const target = (itemId: string, seq: number, value: number, extra: Partial<StockTarget> = {}): StockTarget => ({
  listingKey: `taobao:tb-1:${itemId}:${itemId}s`,
  channel: 'taobao',
  shopId: 'tb-1',
  itemId,
  skuId: `${itemId}s`,
  target: value,
  hubSold: 0,
  seq,
  sellOut: false,
  computedAt: 1_000 + seq,
  ...extra,
});

describe('stock pusher on Redis', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis.quit();
  });

  const setup = (opts: { concurrency?: number; platform?: Parameters<typeof memoryPlatform>[0] } = {}) => {
    const platform = memoryPlatform(opts.platform ?? { writes: ['SET'], idempotentIncrements: false, read: false });
    const state = new StockPushState(redis, `{t_push_${randomBytes(3).toString('hex')}}:stockpush:`);
    const records: StockPush[] = [];
    const pusher = new ShopPusher({
      shop,
      api: platform.api,
      state,
      budget: new RateBudget(platform.api.rateLimit),
      record: async (p) => {
        records.push(p);
      },
      log: pino({ level: 'silent' }),
      concurrency: opts.concurrency ?? 4,
      retry: { baseMs: 10, maxMs: 50 },
    });
    return { platform, state, records, pusher };
  };

  it('coalesces a burst: only the newest target of a listing is pushed, and an older one arriving late is ignored', async () => {
    const { platform, state, pusher } = setup();
    platform.store.put('a', 'as', 999);
    for (let seq = 1; seq <= 50; seq++) await state.want(target('a', seq, 100 - seq));
    expect(await state.want(target('a', 7, 93))).toBe(false);
    pusher.start();
    await waitFor('idle', () => pusher.idle(), 30_000, 20);
    await pusher.stop();
    expect(platform.calls).toEqual([{ write: 'SET', listing: 'a/as', value: 50 }]);
    expect(platform.store.get('a', 'as')?.quantity).toBe(50);
  });

  it('pushes a sell-out ahead of older pending changes', async () => {
    const { platform, state, pusher } = setup({ concurrency: 1 });
    for (const id of ['a', 'b', 'c']) platform.store.put(id, `${id}s`, 5);
    await state.want(target('a', 1, 4));
    await state.want(target('b', 1, 3));
    await state.want(target('c', 1, 0, { sellOut: true, computedAt: 9_999 }));
    pusher.start();
    await waitFor('idle', () => pusher.idle(), 30_000, 20);
    await pusher.stop();
    expect(platform.calls.map((c) => c.listing)).toEqual(['c/cs', 'a/as', 'b/bs']);
  });

  it("a platform's rate-limit answer and a 5xx are retried until the write lands, each attempt recorded", async () => {
    const { platform, state, records, pusher } = setup();
    platform.store.put('a', 'as', 9);
    platform.store.injectFaults('rate-limit', 1);
    platform.store.injectFaults('server-error', 2);
    await state.want(target('a', 1, 2));
    pusher.start();
    await waitFor('idle', () => pusher.idle(), 30_000, 20);
    await pusher.stop();
    expect(records.map((r) => r.result)).toEqual(['RATE_LIMITED', 'RETRYING', 'RETRYING', 'APPLIED']);
    expect(platform.store.get('a', 'as')?.quantity).toBe(2);
  });

  it('an increment the platform refuses (it would go below 0) is replaced by what the listing shows', async () => {
    const { platform, state, records, pusher } = setup({ platform: { writes: ['INCREMENT'], idempotentIncrements: false, read: true } });
    // The hub pushed 10; the channel then sold 7 units of orders the hub rejected: it shows 3.
    platform.store.put('a', 'as', 10);
    await state.want(target('a', 1, 10));
    pusher.start();
    await waitFor('first push', () => pusher.idle(), 30_000, 20);
    expect(platform.store.sell('a', 'as', 7)).toBe(true);
    await state.want(target('a', 2, 0, { sellOut: true }));
    pusher.wake();
    await waitFor('idle', () => pusher.idle(), 30_000, 20);
    await pusher.stop();
    expect(platform.store.get('a', 'as')?.quantity).toBe(0);
    expect(records.map((r) => [r.write, r.quantity, r.result])).toEqual([
      ['INCREMENT', -10, 'FAILED'],
      ['READ', 3, 'NOT_APPLIED'],
      ['INCREMENT', -3, 'APPLIED'],
      ['READ', 0, 'CONFIRMED'],
    ]);
  });

  it('a refusal ends that target as FAILED and is not retried', async () => {
    const { platform, state, records, pusher } = setup();
    await state.want(target('missing', 1, 2));
    pusher.start();
    await waitFor('idle', () => pusher.idle(), 30_000, 20);
    await pusher.stop();
    expect(records.map((r) => [r.result, r.reason])).toEqual([['FAILED', 'memory platform: not_found']]);
    expect(platform.calls).toHaveLength(1);
  });
});
