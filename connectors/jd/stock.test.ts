import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type JdSimulator, startJdSimulator } from '../../simulators/jd/index.js';
import type { ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { josError } from './api.js';
import { jd } from './index.js';
import { jdStock, jdStockError } from './stock.js';

const creds = { appKey: 'AK-STOCK', accessToken: 'TOKEN-STOCK', stockTimeoutMs: '300' };
const SECRET = 'jd-stock-secret';
const listing = { itemId: '10023456789', skuId: '100023456789' };
const key = { idempotencyKey: 'k-1' };
let sim: JdSimulator;
let shop: ShopConfig;

beforeEach(async () => {
  sim = await startJdSimulator({ appKey: creds.appKey, accessToken: creds.accessToken, secret: SECRET });
  sim.listings.put(listing.itemId, listing.skuId, 5);
  sim.listings.slowMs = 50;
  shop = { channel: 'jd', shopId: 'jd-1', brand: 'B', secret: SECRET, endpoint: sim.url, credentials: creds };
});
afterEach(() => sim.close());

describe('jdStock against the simulated JOS router', () => {
  it('is wired into the connector and offers an absolute set with read-back', () => {
    expect(jd.stock).toBe(jdStock);
    expect(jdStock.writes).toEqual(['SET']);
    expect(jdStock.increment).toBeUndefined();
    expect(jdStock.rateLimit.source).toMatch(/^unverified: /);
  });

  it('sets the listing with jingdong.stock.write.updateSkuStock and reads it back', async () => {
    expect(await jdStock.set!(shop, listing, 12, key)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(12);
    expect(await jdStock.read!(shop, listing)).toEqual({ ok: true, value: 12 });
  });

  it('is refused on a bad secret, nothing changed', async () => {
    expect(await jdStock.set!({ ...shop, secret: 'wrong' }, listing, 9, key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('Invalid signature'),
    });
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(5);
  });

  it('maps an unknown SKU to not_found', async () => {
    const missing = { itemId: '1', skuId: '999' };
    expect(await jdStock.set!(shop, missing, 1, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound, retryable: false });
    expect(await jdStock.read!(shop, missing)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
  });

  it('maps the call limit (injected, or the token bucket) to rate_limited, and 5xx to retryable', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await jdStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    sim.listings.injectFaults('server-error');
    expect(await jdStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(5);
  });

  it('answers rate_limited once the documented budget is spent', async () => {
    const limited = await startJdSimulator({ appKey: creds.appKey, accessToken: creds.accessToken, secret: SECRET, stockRatePerSecond: 1 });
    try {
      limited.listings.put(listing.itemId, listing.skuId, 5);
      const at = { ...shop, endpoint: limited.url };
      expect(await jdStock.set!(at, listing, 2, key)).toMatchObject({ ok: true });
      expect(await jdStock.set!(at, listing, 3, key)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
      expect(limited.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it('answers success on a not-applied fault while read-back shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await jdStock.set!(shop, listing, 40, key)).toMatchObject({ ok: true });
    expect(await jdStock.read!(shop, listing)).toEqual({ ok: true, value: 5 });
  });

  it('treats a lost answer (timeout) as retryable, and a slow one as success', async () => {
    sim.listings.injectFaults('timeout');
    expect(await jdStock.set!(shop, listing, 7, key)).toMatchObject({ ok: false, retryable: true });
    // The simulator still answers the abandoned request; let it, so close() has nothing to wait out.
    await new Promise((r) => setTimeout(r, sim.listings.slowMs * 10));
    sim.listings.injectFaults('slow');
    expect(await jdStock.set!(shop, listing, 8, key)).toMatchObject({ ok: true });
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(8);
  });
});

describe('JD simulator sell()', () => {
  it('decrements the listing, refuses when empty, and stores an order whose line names the listing', async () => {
    sim.listings.put(listing.itemId, listing.skuId, 2);
    const orderId = sim.sell(listing.itemId, listing.skuId, 2, 'KETTLE-1');
    expect(orderId).not.toBeNull();
    expect(sim.listings.get(listing.itemId, listing.skuId)?.quantity).toBe(0);
    expect(sim.sell(listing.itemId, listing.skuId, 1)).toBeNull();
    const order = jd.payloadSchema.parse(JSON.parse(JSON.stringify(sim.order(orderId!))));
    const [event] = jd.normalize(order, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { lines: [{ sku: 'KETTLE-1', quantity: 2, itemId: listing.itemId, skuId: listing.skuId }] } });
  });
});

describe('JD stock error mapping', () => {
  it('maps router codes, HTTP and network errors', () => {
    expect(jdStockError(josError('67', 'limit'), 'm')).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(jdStockError(josError('9', 'busy'), 'm')).toMatchObject({ ok: false, retryable: true });
    expect(jdStockError(josError('19', 'Invalid signature'), 'm')).toMatchObject({ ok: false, retryable: false });
    expect(jdStockError(new TypeError('fetch failed'), 'm')).toMatchObject({ ok: false, retryable: true });
  });
});
