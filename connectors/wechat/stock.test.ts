import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_ERRORS, startWechatSimulator, type WechatSimulator } from '../../simulators/wechat/index.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { wechat } from './index.js';
import { wechatStock } from './stock.js';

const APP_ID = 'wxstockapp000001';
const APP_SECRET = 'sim-stock-app-secret';
const opts = { idempotencyKey: 'k-1' };
let sim: WechatSimulator;
let shop: ShopConfig;
let next = 0;

/** A fresh listing per test: product ids and SKU ids as WeChat writes them (uint64 digits). */
function listing(quantity: number) {
  const ref = { itemId: `1000000000000${String(100 + next)}`, skuId: `2000000000000${String(100 + next++)}` };
  sim.listings.put(ref.itemId, ref.skuId, quantity);
  return ref;
}

beforeAll(async () => {
  sim = await startWechatSimulator({ appId: APP_ID, appSecret: APP_SECRET, stockPerListingPerSecond: 1000, stockRatePerSecond: 1000 });
  sim.listings.slowMs = 200;
  shop = {
    channel: 'wechat',
    shopId: 'wx-stock',
    brand: 'Omni',
    secret: 'push-token',
    endpoint: sim.url,
    credentials: { appId: APP_ID, appSecret: APP_SECRET, encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', stockTimeoutMs: '1000' },
  };
});
afterAll(() => sim.close());

describe('wechatStock against the WeChat simulator', () => {
  it('is wired into the connector: increments and sets, no idempotency keys, a read-back', () => {
    expect(wechat.stock).toBe(wechatStock);
    expect(wechatStock.writes).toEqual(['INCREMENT', 'SET']);
    expect(wechatStock.idempotentIncrements).toBe(false);
    expect(wechatStock.rateLimit.source).toMatch(/^unverified/);
  });

  it('adds and reduces with diff_type 1/2 and sets with diff_type 3', async () => {
    const ref = listing(10);
    expect(await wechatStock.increment!(shop, ref, 5, opts)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(15);
    expect(await wechatStock.increment!(shop, ref, -7, opts)).toMatchObject({ ok: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(8);
    expect(await wechatStock.set!(shop, ref, 42, opts)).toMatchObject({ ok: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(42);
    expect(sim.calls.filter((c) => c.path === '/channels/ec/product/stock/update').every((c) => c.errcode === 0)).toBe(true);
  });

  it('reads the quantity back', async () => {
    const ref = listing(17);
    expect(await wechatStock.read!(shop, ref)).toEqual({ ok: true, value: 17 });
  });

  it('is refused with a wrong appSecret (no token), not retryable', async () => {
    const ref = listing(3);
    const wrong = { ...shop, credentials: { ...shop.credentials, appSecret: 'not-the-secret' } };
    expect(await wechatStock.set!(wrong, ref, 9, opts)).toMatchObject({ ok: false, code: String(SIM_ERRORS.appsecret.errcode), retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(3);
  });

  it('fetches a new token after WeChat retired the cached one', async () => {
    const ref = listing(3);
    expect(await wechatStock.read!(shop, ref)).toMatchObject({ ok: true });
    sim.revokeTokens();
    expect(await wechatStock.read!(shop, ref)).toMatchObject({ ok: false, retryable: true });
    expect(await wechatStock.read!(shop, ref)).toEqual({ ok: true, value: 3 });
  });

  it('maps an unknown product or SKU to not_found and a reduction below zero to a refusal', async () => {
    const ref = listing(1);
    expect(await wechatStock.set!(shop, { itemId: '999', skuId: '999' }, 1, opts)).toMatchObject({
      ok: false,
      code: STOCK_FAILURES.notFound,
      retryable: false,
    });
    expect(await wechatStock.read!(shop, { itemId: ref.itemId, skuId: '998' })).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
    expect(await wechatStock.increment!(shop, ref, -2, opts)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(1);
  });

  it('maps the per-SKU frequency limit (10020112) to rate_limited', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('rate-limit');
    expect(await wechatStock.increment!(shop, ref, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it("refuses a call the simulator's token bucket has no token for with rate_limited", async () => {
    const strict = await startWechatSimulator({ appId: APP_ID, appSecret: APP_SECRET, stockRatePerSecond: 0.001 });
    try {
      strict.listings.put('1', '1', 5);
      const there = { ...shop, endpoint: strict.url };
      expect(await wechatStock.increment!(there, { itemId: '1', skuId: '1' }, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
      expect(strict.listings.get('1', '1')?.quantity).toBe(5);
    } finally {
      await strict.close();
    }
  });

  it('maps a 5xx to a retryable failure and changes nothing', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('server-error');
    expect(await wechatStock.set!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it('a lost answer (timeout) is a retryable failure', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('timeout');
    expect(await wechatStock.increment!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
  });

  it("'not-applied': WeChat answers ok, the read-back shows the old quantity", async () => {
    const ref = listing(5);
    sim.listings.injectFaults('not-applied');
    expect(await wechatStock.set!(shop, ref, 50, opts)).toMatchObject({ ok: true });
    expect(await wechatStock.read!(shop, ref)).toEqual({ ok: true, value: 5 });
  });
});

describe('sell() on the WeChat simulator', () => {
  const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };

  it('decrements the listing, stores a paid order whose line carries itemId/skuId, refuses when empty', async () => {
    const ref = listing(2);
    const orderId = sim.sell(ref.itemId, ref.skuId, 2, 'TEE-RED-M');
    expect(orderId).toMatch(/^\d{19}$/);
    expect(sim.listings.get(ref.itemId, ref.skuId)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(ref.itemId, ref.skuId, 1)).toBeNull();

    const [order] = await (async () => {
      const out: unknown[] = [];
      for await (const o of wechat.pull!(shop, { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) })) out.push(o);
      return out.filter((o) => (o as { order_id: string }).order_id === orderId);
    })();
    const events = wechat.normalize(wechat.payloadSchema.parse(order), shop, push);
    expect(events).toMatchObject([{ ok: true, value: { status: 'PAID', lines: [{ sku: 'TEE-RED-M', quantity: 2, itemId: ref.itemId, skuId: ref.skuId }] } }]);
  });
});
