import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DouyinSimulator, startDouyinSimulator } from '../../simulators/douyin/index.js';
import type { ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { douyin } from './index.js';
import { pullDouyinOrders } from './pull.js';
import { douyinStock, douyinStockFailure, stockParamJson } from './stock.js';

const DY = { appKey: '7012345678901234002', secret: 'dy-app-secret-stock', token: 'dy-access-token-stock' };
// 19-digit ids, above 2^53, as Douyin's are.
const listing = { itemId: '3601234567890123457', skuId: '1789012345678905553' };
let sim: DouyinSimulator;
let shop: ShopConfig;
const quantity = () => sim.listings.get(listing.itemId, listing.skuId)?.quantity;

beforeEach(async () => {
  sim = await startDouyinSimulator({ appKey: DY.appKey, appSecret: DY.secret, accessToken: DY.token });
  sim.listings.put(listing.itemId, listing.skuId, 5);
  sim.listings.slowMs = 50;
  shop = {
    channel: 'douyin',
    shopId: 'dy-flagship',
    brand: 'Omni',
    secret: DY.secret,
    endpoint: sim.url,
    credentials: { appKey: DY.appKey, accessToken: DY.token, stockTimeoutMs: '300' },
  };
});
afterEach(() => sim.close());

describe('douyinStock against the simulated open API', () => {
  it('is wired into the connector: set and idempotent increment, read-back', () => {
    expect(douyin.stock).toBe(douyinStock);
    expect(douyinStock.writes).toEqual(['SET', 'INCREMENT']);
    expect(douyinStock.idempotentIncrements).toBe(true);
    expect(douyinStock.rateLimit.source).toMatch(/^unverified: /);
  });

  it('writes int64 ids as bare digits, exactly', () => {
    expect(stockParamJson({ sku_id: listing.skuId, product_id: listing.itemId, stock_num: 3 })).toBe(
      `{"product_id":${listing.itemId},"sku_id":${listing.skuId},"stock_num":3}`,
    );
  });

  it('sets (incremental false) and reads back with sku.stockNum', async () => {
    expect(await douyinStock.set!(shop, listing, 12, { idempotencyKey: 's-1' })).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(quantity()).toBe(12);
    expect(await douyinStock.read!(shop, listing)).toEqual({ ok: true, value: 12 });
    expect(sim.calls.map((c) => c.method)).toEqual(['sku.syncStock', 'sku.stockNum']);
  });

  it('increments with idempotent_id: a replay of the same key applies once', async () => {
    expect(await douyinStock.increment!(shop, listing, -2, { idempotencyKey: 'sale-1' })).toMatchObject({ ok: true });
    expect(await douyinStock.increment!(shop, listing, -2, { idempotencyKey: 'sale-1' })).toMatchObject({ ok: true });
    expect(quantity()).toBe(3);
    expect(await douyinStock.increment!(shop, listing, 4, { idempotencyKey: 'restock-1' })).toMatchObject({ ok: true });
    expect(quantity()).toBe(7);
  });

  it('is refused on a bad secret, nothing changed', async () => {
    expect(await douyinStock.set!({ ...shop, secret: 'wrong-secret' }, listing, 9, { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('isv.signature-invalid'),
    });
    expect(quantity()).toBe(5);
  });

  it('maps an unknown SKU to not_found', async () => {
    const missing = { itemId: '3600000000000000001', skuId: '1700000000000000001' };
    expect(await douyinStock.set!(shop, missing, 1, { idempotencyKey: 'k' })).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound, retryable: false });
    expect(await douyinStock.read!(shop, missing)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
  });

  it('maps flow control to rate_limited and HTTP 5xx to retryable, nothing applied', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await douyinStock.set!(shop, listing, 1, { idempotencyKey: 'k' })).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    sim.listings.injectFaults('server-error');
    expect(await douyinStock.increment!(shop, listing, 1, { idempotencyKey: 'k' })).toMatchObject({
      ok: false,
      retryable: true,
      reason: expect.stringContaining('HTTP 503'),
    });
    expect(quantity()).toBe(5);
  });

  it('answers rate_limited once the budget is spent', async () => {
    const limited = await startDouyinSimulator({ appKey: DY.appKey, appSecret: DY.secret, accessToken: DY.token, stockRatePerSecond: 1 });
    try {
      limited.listings.put(listing.itemId, listing.skuId, 5);
      const at = { ...shop, endpoint: limited.url };
      expect(await douyinStock.set!(at, listing, 2, { idempotencyKey: 'a' })).toMatchObject({ ok: true });
      expect(await douyinStock.set!(at, listing, 3, { idempotencyKey: 'b' })).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
    } finally {
      await limited.close();
    }
  });

  it('answers success on a not-applied fault while read-back shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await douyinStock.set!(shop, listing, 40, { idempotencyKey: 'k' })).toMatchObject({ ok: true });
    expect(await douyinStock.read!(shop, listing)).toEqual({ ok: true, value: 5 });
  });

  it('treats a lost answer (timeout) as retryable, and a slow one as success', async () => {
    sim.listings.injectFaults('timeout');
    expect(await douyinStock.set!(shop, listing, 7, { idempotencyKey: 'k' })).toMatchObject({ ok: false, retryable: true });
    // The simulator still answers the abandoned request; let it, so close() has nothing to wait out.
    await new Promise((r) => setTimeout(r, sim.listings.slowMs * 10));
    sim.listings.injectFaults('slow');
    expect(await douyinStock.set!(shop, listing, 8, { idempotencyKey: 'k' })).toMatchObject({ ok: true });
    expect(quantity()).toBe(8);
  });
});

describe('Douyin simulator sell()', () => {
  it('decrements the listing, refuses when empty, and serves a paid order whose line names the listing', async () => {
    sim.listings.put(listing.itemId, listing.skuId, 2);
    const before = Date.now() - 2000;
    const orderId = sim.sell(listing.itemId, listing.skuId, 2, 'TEE-RED-M');
    expect(orderId).toMatch(/^\d{19}$/);
    expect(quantity()).toBe(0);
    expect(sim.sell(listing.itemId, listing.skuId, 1)).toBeNull();
    const pulled = [];
    for await (const o of pullDouyinOrders(shop, { from: new Date(before), to: new Date(Date.now() + 2000) })) pulled.push(o);
    expect(pulled).toHaveLength(1);
    const [event] = douyin.normalize(douyin.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({
      ok: true,
      value: { channelOrderId: orderId, status: 'PAID', lines: [{ sku: 'TEE-RED-M', quantity: 2, itemId: listing.itemId, skuId: listing.skuId }] },
    });
  });
});

describe('Douyin stock error mapping', () => {
  it('maps flow control, unknown SKUs, platform and caller errors', () => {
    expect(douyinStockFailure('m', { code: 50002, sub_code: 'isp.flow-limit' })).toMatchObject({ code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(douyinStockFailure('m', { code: 50002, sub_code: 'isv.business-failed', sub_msg: 'SKU不存在' })).toMatchObject({
      code: STOCK_FAILURES.notFound,
      retryable: false,
    });
    expect(douyinStockFailure('m', { code: 50000, sub_code: 'isp.service-error' })).toMatchObject({ ok: false, retryable: true });
    expect(douyinStockFailure('m', { code: 40002, sub_code: 'isv.parameter-invalid' })).toMatchObject({ ok: false, retryable: false });
  });
});
