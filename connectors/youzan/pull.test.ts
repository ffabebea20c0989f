import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeYouzanTrade, startYouzanSimulator, withYouzanStatus, type YouzanSimulator } from '../../simulators/youzan/index.js';
import type { ShopConfig } from '../contract.js';
import { youzan } from './index.js';
import type { YouzanTrade } from './payload.js';
import { pullYouzanTrades } from './pull.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e08';
const SECRET = 'sim-client-secret-7788';
const KDT = '41566520';
let sim: YouzanSimulator;
let shop: ShopConfig;
const t0 = Date.parse('2025-11-11T00:00:00+08:00');
const trades: YouzanTrade[] = Array.from({ length: 5 }, (_, i) =>
  withYouzanStatus(
    makeYouzanTrade({
      tid: `E2025111100000${String(5000000000 + i)}`,
      lines: [{ outerSkuId: `SKU-${i}`, quantity: 1, priceFen: 100 + i }],
      createdAt: new Date(t0 + i * 60_000),
    }),
    'WAIT_SELLER_SEND_GOODS',
    new Date(t0 + i * 60_000 + 30_000),
  ),
);

beforeAll(async () => {
  sim = await startYouzanSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, kdtId: KDT });
  for (const t of trades) sim.upsertTrade(t);
  sim.upsertTrade(
    withYouzanStatus(
      makeYouzanTrade({ tid: 'E20251110000000000000999', lines: [{ outerSkuId: 'OLD', quantity: 1, priceFen: 1 }], createdAt: new Date(t0 - 86_400_000) }),
      'TRADE_SUCCESS',
      new Date(t0 - 3_600_000),
    ),
  );
  shop = { channel: 'youzan', shopId: 'yz-main', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { clientId: CLIENT_ID, kdtId: KDT } };
});
afterAll(() => sim.close());

async function collect(iter: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of iter) out.push(x);
  return out;
}

describe('pull() against the Youzan simulator', () => {
  const window = { from: new Date(t0), to: new Date(t0 + 10 * 60_000) };

  it('gets a token with the client secret, then pages youzan.trades.sold.get by update time', async () => {
    sim.calls.length = 0;
    const got = (await collect(pullYouzanTrades(shop, window, { pageSize: 2 }))) as YouzanTrade[];
    expect(got.map((t) => t.full_order_info.order_info.tid)).toEqual(trades.map((t) => t.full_order_info.order_info.tid));
    expect(sim.calls.map((c) => [c.path, c.pageNo, c.ok])).toEqual([
      ['/auth/token', null, true],
      ['/api/youzan.trades.sold.get/4.0.0', 1, true],
      ['/api/youzan.trades.sold.get/4.0.0', 2, true],
      ['/api/youzan.trades.sold.get/4.0.0', 3, true],
    ]);
  });

  it("yields payloads the connector's schema and normalize accept, with full lines", async () => {
    const got = await collect(youzan.pull!(shop, window));
    expect(got).toHaveLength(5);
    for (const payload of got) {
      const parsed = youzan.payloadSchema.parse(JSON.parse(JSON.stringify(payload)));
      expect(youzan.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 })).toMatchObject([
        { ok: true, value: { status: 'PAID', lines: [{ quantity: 1 }], buyerProvince: '浙江省' } },
      ]);
    }
  });

  it('keeps [from, to) exact', async () => {
    const got = (await collect(pullYouzanTrades(shop, { from: new Date(t0 + 30_000), to: new Date(t0 + 90_000) }))) as YouzanTrade[];
    expect(got.map((t) => t.full_order_info.order_info.tid)).toEqual([trades[0]!.full_order_info.order_info.tid]);
  });

  it("a wrong client secret gets Youzan's auth error", async () => {
    await expect(collect(pullYouzanTrades({ ...shop, secret: 'wrong-secret' }, window))).rejects.toMatchObject({
      name: 'ApiError',
      api: 'youzan',
      platformCode: '40010',
      retryable: false,
    });
  });

  it('an unknown access token gets the gateway error', async () => {
    await expect(collect(pullYouzanTrades({ ...shop, credentials: { ...shop.credentials, accessToken: 'forged' } }, window))).rejects.toMatchObject({
      api: 'youzan',
      platformCode: '4203',
    });
  });
});
