import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/errors.js';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../../simulators/jd/index.js';
import type { ShopConfig } from '../contract.js';
import { jd } from './index.js';

const creds = { appKey: 'AK-TEST', accessToken: 'TOKEN-TEST' };
const SECRET = 'jd-pull-secret';
let sim: JdSimulator;
let shop: ShopConfig;
const now = Date.now();

async function collect(s: ShopConfig, from: Date, to: Date) {
  const out: Array<Record<string, unknown>> = [];
  for await (const r of jd.pull!(s, { from, to })) out.push(r as Record<string, unknown>);
  return out;
}

beforeAll(async () => {
  sim = await startJdSimulator({ ...creds, secret: SECRET });
  shop = { channel: 'jd', shopId: 'jd-1', brand: 'B', secret: SECRET, endpoint: sim.url, credentials: creds };
  // 230 orders modified within the last hour: three pages of 100.
  for (let i = 0; i < 230; i += 1) {
    const created = new Date(now - 2 * 3_600_000);
    sim.upsertOrder(
      withState(
        makeJdOrder({
          orderId: String(300000000000 + i),
          createdAt: created,
          lines: [{ skuId: String(1000 + i), outerSkuId: `SKU-${i}`, quantity: 1, price: '10.00' }],
        }),
        i % 2 ? 'WAIT_GOODS_RECEIVE_CONFIRM' : 'WAIT_SELLER_STOCK_OUT',
        new Date(now - 3_500_000 + i * 10_000),
      ),
    );
  }
  // Modified three hours ago: outside the window.
  sim.upsertOrder(makeJdOrder({ orderId: '299999999999', createdAt: new Date(now - 3 * 3_600_000), lines: [{ skuId: '1', quantity: 1, price: '1.00' }] }));
});
afterAll(async () => sim.close());

describe('JD pull against the simulator', () => {
  it('pages through enSearch by modified time and yields every order once', async () => {
    const before = sim.requestCount();
    const records = await collect(shop, new Date(now - 3_600_000), new Date(now + 60_000));
    expect(records).toHaveLength(230);
    expect(new Set(records.map((r) => r.orderId)).size).toBe(230);
    expect(records.map((r) => r.orderId)).not.toContain('299999999999');
    expect(sim.requestCount() - before).toBe(3);
    for (const r of records.slice(0, 5)) expect(jd.payloadSchema.safeParse(r).success).toBe(true);
  });

  it('keeps [from, to) exact although JD treats end_date as inclusive', async () => {
    const at = new Date(now - 3_500_000); // order 300000000000 is modified at exactly this second
    const secondOf = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
    const ids = (await collect(shop, secondOf(at.getTime() - 5_000), secondOf(at.getTime()))).map((r) => r.orderId);
    expect(ids).not.toContain('300000000000');
    const including = (await collect(shop, secondOf(at.getTime()), secondOf(at.getTime() + 1_000))).map((r) => r.orderId);
    expect(including).toEqual(['300000000000']);
  });

  it("surfaces JOS's signature error when the secret is wrong", async () => {
    const error = await collect({ ...shop, secret: 'wrong' }, new Date(now - 60_000), new Date(now)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ api: 'jd', platformCode: '19' });
  });

  it('splits windows longer than a month (JOS refuses them)', async () => {
    const records = await collect(shop, new Date(now - 70 * 86_400_000), new Date(now + 60_000));
    expect(records).toHaveLength(231);
  });
});
