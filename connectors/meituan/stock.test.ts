import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeituanSimulator, startMeituanSimulator } from '../../simulators/meituan/index.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { meituan } from './index.js';
import { meituanStock } from './stock.js';

const APP_ID = '4602';
const SECRET = 'mt-stock-secret';
const POI = 'poi-stock';
const opts = { idempotencyKey: 'k-1' };
let sim: MeituanSimulator;
let shop: ShopConfig;
let next = 0;

/** A fresh listing per test: the merchant's SPU and SKU codes. */
function listing(quantity: number) {
  const ref = { itemId: `SPU-${next}`, skuId: `SKU-${next++}` };
  sim.listings.put(ref.itemId, ref.skuId, quantity);
  return ref;
}

beforeAll(async () => {
  sim = await startMeituanSimulator({ appId: APP_ID, secret: SECRET, appPoiCode: POI, stockRatePerSecond: 1000 });
  sim.listings.slowMs = 200;
  shop = {
    channel: 'meituan',
    shopId: POI,
    brand: 'B',
    secret: SECRET,
    endpoint: sim.apiBase,
    credentials: { appId: APP_ID, appPoiCode: POI, pushUrl: 'https://h/cb', stockTimeoutMs: '1000' },
  };
});
afterAll(async () => sim.close());

describe('meituanStock against the Meituan simulator', () => {
  it('is wired into the connector: absolute sets only, no idempotency keys, a read-back', () => {
    expect(meituan.stock).toBe(meituanStock);
    expect(meituanStock.writes).toEqual(['SET']);
    expect(meituanStock.increment).toBeUndefined();
    expect(meituanStock.idempotentIncrements).toBe(false);
    expect(meituanStock.rateLimit.source).toMatch(/^unverified/);
  });

  it('sets the stock with retail/sku/stock, signed, and reads it back with retail/get', async () => {
    const ref = listing(10);
    expect(await meituanStock.set!(shop, ref, 4, opts)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(4);
    expect(await meituanStock.set!(shop, ref, 0, opts)).toMatchObject({ ok: true });
    expect(await meituanStock.read!(shop, ref)).toEqual({ ok: true, value: 0 });
  });

  it('keeps codes with spaces and non-ASCII characters intact through the form encoding and the signature', async () => {
    const ref = { itemId: '牛肉 面+大', skuId: 'SKU 大份&辣' };
    sim.listings.put(ref.itemId, ref.skuId, 1);
    expect(await meituanStock.set!(shop, ref, 7, opts)).toMatchObject({ ok: true });
    expect(await meituanStock.read!(shop, ref)).toEqual({ ok: true, value: 7 });
  });

  it('a wrong secret is refused (703, bad sig), not retryable, nothing written', async () => {
    const ref = listing(3);
    expect(await meituanStock.set!({ ...shop, secret: 'not-the-secret' }, ref, 9, opts)).toMatchObject({ ok: false, retryable: false });
    expect(await meituanStock.read!({ ...shop, secret: 'not-the-secret' }, ref)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(3);
  });

  it('maps an unknown item or SKU to not_found', async () => {
    const ref = listing(1);
    expect(await meituanStock.set!(shop, { itemId: 'NOPE', skuId: 'NOPE' }, 1, opts)).toMatchObject({
      ok: false,
      code: STOCK_FAILURES.notFound,
      retryable: false,
    });
    expect(await meituanStock.read!(shop, { itemId: ref.itemId, skuId: 'NOPE' })).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
  });

  it('maps the rate-limit answer to rate_limited', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('rate-limit');
    expect(await meituanStock.set!(shop, ref, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it("refuses a call the simulator's token bucket has no token for with rate_limited", async () => {
    const strict = await startMeituanSimulator({ appId: APP_ID, secret: SECRET, appPoiCode: POI, stockRatePerSecond: 0.001 });
    try {
      strict.listings.put('A', 'B', 5);
      const there = { ...shop, endpoint: strict.apiBase };
      expect(await meituanStock.set!(there, { itemId: 'A', skuId: 'B' }, 7, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
      expect(strict.listings.get('A', 'B')?.quantity).toBe(5);
    } finally {
      await strict.close();
    }
  });

  it('maps a 5xx to a retryable failure and changes nothing', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('server-error');
    expect(await meituanStock.set!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it('a lost answer (timeout) is a retryable failure', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('timeout');
    expect(await meituanStock.set!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
  });

  it("'not-applied': Meituan answers ok, the read-back shows the old quantity", async () => {
    const ref = listing(5);
    sim.listings.injectFaults('not-applied');
    expect(await meituanStock.set!(shop, ref, 50, opts)).toMatchObject({ ok: true });
    expect(await meituanStock.read!(shop, ref)).toEqual({ ok: true, value: 5 });
  });
});

describe('sell() on the Meituan simulator', () => {
  const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };

  it('decrements the listing, stores a paid order whose line carries itemId/skuId, refuses when empty', async () => {
    const ref = listing(2);
    const orderId = sim.sell(ref.itemId, ref.skuId, 2);
    expect(orderId).toMatch(/^\d{17}$/);
    expect(sim.listings.get(ref.itemId, ref.skuId)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(ref.itemId, ref.skuId, 1)).toBeNull();

    const orders: Array<Record<string, string>> = [];
    for await (const o of meituan.pull!(shop, { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) }))
      orders.push(o as Record<string, string>);
    const order = orders.find((o) => o.order_id === orderId);
    expect(meituan.normalize(meituan.payloadSchema.parse(order), shop, push)).toMatchObject([
      { ok: true, value: { channelOrderId: orderId, status: 'PAID', lines: [{ sku: ref.skuId, quantity: 2, itemId: ref.itemId, skuId: ref.skuId }] } },
    ]);
  });
});
