import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type KuaishouSimulator, startKuaishouSimulator } from '../../simulators/kuaishou/index.js';
import type { ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { kuaishou } from './index.js';
import { pullKuaishouOrders } from './pull.js';
import { kuaishouStock, kuaishouStockResult } from './stock.js';

const KS = { appKey: 'ks699183844582124099', signSecret: 'ks-sign-secret-stock', accessToken: 'ks-token-stock' };
const listing = { itemId: '24904424073914', skuId: '158419190357914' };
const key = { idempotencyKey: 'k-1' };
let sim: KuaishouSimulator;
let shop: ShopConfig;
const quantity = () => sim.listings.get(listing.itemId, listing.skuId)?.quantity;

beforeEach(async () => {
  sim = await startKuaishouSimulator(KS);
  sim.listings.put(listing.itemId, listing.skuId, 5);
  sim.listings.slowMs = 50;
  shop = {
    channel: 'kuaishou',
    shopId: 'ks-flagship',
    brand: 'Omni',
    secret: 'bWVzc2FnZS1zZWNyZXQtMTIzNDU2Nzg5MDEyMzQ1Ng==',
    endpoint: sim.url,
    credentials: { ...KS, stockTimeoutMs: '300' },
  };
});
afterEach(() => sim.close());

describe('kuaishouStock against the simulated open API', () => {
  it('is wired into the connector: increments only, no idempotency keys, read-back', () => {
    expect(kuaishou.stock).toBe(kuaishouStock);
    expect(kuaishouStock.writes).toEqual(['INCREMENT']);
    expect(kuaishouStock.idempotentIncrements).toBe(false);
    expect(kuaishouStock.set).toBeUndefined();
    expect(kuaishouStock.rateLimit.source).toMatch(/^unverified: /);
  });

  it('adds (changeType 1) and reduces (changeType 2), then reads back with open.item.get', async () => {
    expect(await kuaishouStock.increment!(shop, listing, 4, key)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(quantity()).toBe(9);
    expect(await kuaishouStock.increment!(shop, listing, -6, key)).toMatchObject({ ok: true });
    expect(quantity()).toBe(3);
    expect(await kuaishouStock.read!(shop, listing)).toEqual({ ok: true, value: 3 });
    expect(sim.calls.map((c) => [c.method, c.result])).toEqual([
      ['open.item.sku.stock.update', 1],
      ['open.item.sku.stock.update', 1],
      ['open.item.get', 1],
    ]);
  });

  it('sends nothing for a zero change', async () => {
    expect(await kuaishouStock.increment!(shop, listing, 0, key)).toMatchObject({ ok: true });
    expect(sim.calls).toHaveLength(0);
  });

  it('is refused on a bad sign secret, nothing changed', async () => {
    const bad = { ...shop, credentials: { ...KS, signSecret: 'wrong' } };
    expect(await kuaishouStock.increment!(bad, listing, 1, key)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('result 28') });
    expect(quantity()).toBe(5);
  });

  it('maps an unknown SKU or item to not_found, and a reduction below zero to a refusal', async () => {
    const missing = { itemId: '24904424070000', skuId: '158419190350000' };
    expect(await kuaishouStock.increment!(shop, missing, 1, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound, retryable: false });
    expect(await kuaishouStock.read!(shop, missing)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
    expect(await kuaishouStock.read!(shop, { ...listing, skuId: '158419190350000' })).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
    expect(await kuaishouStock.increment!(shop, listing, -6, key)).toMatchObject({ ok: false, retryable: false });
    expect(quantity()).toBe(5);
  });

  it('maps the call limit to rate_limited and HTTP 5xx to retryable, nothing applied', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await kuaishouStock.increment!(shop, listing, 1, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    sim.listings.injectFaults('server-error');
    expect(await kuaishouStock.increment!(shop, listing, 1, key)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 500') });
    expect(quantity()).toBe(5);
  });

  it('answers rate_limited once the budget is spent', async () => {
    const limited = await startKuaishouSimulator({ ...KS, stockRatePerSecond: 1 });
    try {
      limited.listings.put(listing.itemId, listing.skuId, 5);
      const at = { ...shop, endpoint: limited.url };
      expect(await kuaishouStock.increment!(at, listing, 1, key)).toMatchObject({ ok: true });
      expect(await kuaishouStock.increment!(at, listing, 1, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
      expect(limited.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(6);
    } finally {
      await limited.close();
    }
  });

  it('answers success on a not-applied fault while read-back shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await kuaishouStock.increment!(shop, listing, 10, key)).toMatchObject({ ok: true });
    expect(await kuaishouStock.read!(shop, listing)).toEqual({ ok: true, value: 5 });
  });

  it('treats a lost answer (timeout) as retryable, and a slow one as success', async () => {
    sim.listings.injectFaults('timeout');
    expect(await kuaishouStock.increment!(shop, listing, 1, key)).toMatchObject({ ok: false, retryable: true });
    // The simulator still answers the abandoned request; let it, so close() has nothing to wait out.
    await new Promise((r) => setTimeout(r, sim.listings.slowMs * 10));
    sim.listings.injectFaults('slow');
    expect(await kuaishouStock.increment!(shop, listing, 1, key)).toMatchObject({ ok: true });
    // The timed-out change landed too: without idempotency keys a retry would apply it twice.
    expect(quantity()).toBe(7);
  });
});

describe('Kuaishou simulator sell()', () => {
  it('decrements the listing, refuses when empty, and serves a paid order whose line names the listing', async () => {
    sim.listings.put(listing.itemId, listing.skuId, 2);
    const before = Date.now() - 2000;
    const oid = sim.sell(listing.itemId, listing.skuId, 2, 'WINE-STOPPER-01');
    expect(oid).toMatch(/^\d{16}$/);
    expect(quantity()).toBe(0);
    expect(sim.sell(listing.itemId, listing.skuId, 1)).toBeNull();
    const pulled = [];
    for await (const o of pullKuaishouOrders(shop, { from: new Date(before), to: new Date(Date.now() + 2000) })) pulled.push(o);
    expect(pulled).toHaveLength(1);
    const [event] = kuaishou.normalize(kuaishou.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({
      ok: true,
      value: { channelOrderId: oid, status: 'PAID', lines: [{ sku: 'WINE-STOPPER-01', quantity: 2, itemId: listing.itemId, skuId: listing.skuId }] },
    });
  });
});

describe('Kuaishou stock error mapping', () => {
  it('maps HTTP 429 and the call limit to rate_limited, 5xx and busy to retryable, refusals to permanent', () => {
    expect(kuaishouStockResult('m', 429, undefined)).toMatchObject({ code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(kuaishouStockResult('m', 200, { result: 803000 })).toMatchObject({ code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(kuaishouStockResult('m', 502, undefined)).toMatchObject({ ok: false, retryable: true });
    expect(kuaishouStockResult('m', 200, { result: 1000 })).toMatchObject({ ok: false, retryable: true });
    expect(kuaishouStockResult('m', 200, { result: 2001, sub_code: 'ITEM_NOT_EXIST' })).toMatchObject({ code: STOCK_FAILURES.notFound });
    expect(kuaishouStockResult('m', 200, { result: 24 })).toMatchObject({ ok: false, retryable: false });
  });
});
