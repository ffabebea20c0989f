import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/errors.js';
import { type DouyinSimulator, makeDouyinOrder, startDouyinSimulator, withDouyinStatus } from '../../simulators/douyin/index.js';
import type { ShopConfig } from '../contract.js';
import { douyin } from './index.js';
import type { DouyinShopOrder } from './payload.js';
import { pullDouyinOrders } from './pull.js';

const APP_KEY = '7012345678901234567';
const APP_SECRET = 'sim-app-secret-0d2c';
const TOKEN = 'sim-access-token-abc';
let sim: DouyinSimulator;
let shop: ShopConfig;

const t0 = Date.parse('2025-11-11T00:00:00+08:00');
const orders: DouyinShopOrder[] = Array.from({ length: 7 }, (_, i) =>
  withDouyinStatus(
    makeDouyinOrder({
      orderId: `69201234567890${String(10000 + i)}`,
      skus: [{ skuId: `178901234567890${String(1000 + i)}`, quantity: i + 1, priceFen: 100 * (i + 1) }],
      createdAt: new Date(t0 + i * 60_000),
    }),
    2,
    new Date(t0 + i * 60_000 + 30_000),
  ),
);

beforeAll(async () => {
  sim = await startDouyinSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, accessToken: TOKEN });
  for (const o of orders) sim.upsertOrder(o);
  // One order outside the window.
  sim.upsertOrder(
    withDouyinStatus(
      makeDouyinOrder({ orderId: '6920999999999999999', skus: [{ skuId: '1', quantity: 1, priceFen: 1 }], createdAt: new Date(t0 - 86_400_000) }),
      2,
      new Date(t0 - 3_600_000),
    ),
  );
  shop = {
    channel: 'douyin',
    shopId: 'dy-flagship',
    brand: 'Omni',
    secret: APP_SECRET,
    endpoint: sim.url,
    credentials: { appKey: APP_KEY, accessToken: TOKEN },
  };
});
afterAll(() => sim.close());

async function collect(iter: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('pull() against the Douyin simulator', () => {
  const window = { from: new Date(t0), to: new Date(t0 + 10 * 60_000) };

  it('pages through order.searchList and yields every order in the window, ids exact', async () => {
    sim.calls.length = 0;
    const got = (await collect(pullDouyinOrders(shop, window, { pageSize: 3 }))) as DouyinShopOrder[];
    expect(got.map((o) => o.order_id)).toEqual(orders.map((o) => o.order_id));
    expect(got[0]!.sku_order_list[0]!.sku_id).toBe('1789012345678901000'); // sent as a bare int64, kept exact
    expect(sim.calls.map((c) => [c.page, c.code])).toEqual([
      [0, 10000],
      [1, 10000],
      [2, 10000],
    ]);
  });

  it("yields payloads the connector's own schema and normalize accept", async () => {
    const got = await collect(douyin.pull!(shop, window));
    for (const payload of got) {
      const parsed = douyin.payloadSchema.parse(JSON.parse(JSON.stringify(payload)));
      const [event] = douyin.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 });
      expect(event).toMatchObject({ ok: true, value: { status: 'PAID', lines: [expect.objectContaining({ quantity: expect.any(Number) })] } });
    }
    expect(got).toHaveLength(7);
  });

  it('keeps [from, to) exact on whole seconds', async () => {
    const narrow = { from: new Date(t0 + 30_000), to: new Date(t0 + 60_000 + 30_000) };
    const got = (await collect(pullDouyinOrders(shop, narrow))) as DouyinShopOrder[];
    expect(got.map((o) => o.order_id)).toEqual([orders[0]!.order_id]);
  });

  it("a wrong app secret gets Douyin's signature error", async () => {
    const wrong = { ...shop, secret: 'not-the-secret' };
    await expect(collect(pullDouyinOrders(wrong, window))).rejects.toMatchObject({ name: 'ApiError', api: 'douyin', platformCode: '30002', retryable: false });
    expect(sim.calls.at(-1)).toMatchObject({ code: 30002 });
  });

  it('a stale clock is refused by the timestamp check, a bad token by the token check', async () => {
    await expect(collect(pullDouyinOrders(shop, window, { now: () => Date.now() - 10 * 60_000 }))).rejects.toMatchObject({
      api: 'douyin',
      platformCode: '30003',
    });
    await expect(collect(pullDouyinOrders({ ...shop, credentials: { appKey: APP_KEY, accessToken: 'expired' } }, window))).rejects.toBeInstanceOf(ApiError);
  });

  it('names the missing credential', async () => {
    await expect(collect(pullDouyinOrders({ ...shop, credentials: { appKey: APP_KEY } }, window))).rejects.toThrow('credentials.accessToken is required');
  });
});
