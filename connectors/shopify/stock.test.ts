import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator } from '../../simulators/shopify/index.js';
import type { ShopConfig } from '../contract.js';
import { shopify } from './index.js';
import { shopifyStock } from './stock.js';

const TOKEN = 'shpat_sim_stock_0123456789';
const PRODUCT = '8123456789012';
const VARIANT = '45123456789012';
const listing = { itemId: PRODUCT, skuId: VARIANT };
let sim: ShopifySimulator;
let shop: ShopConfig;
let keys = 0;
const fresh = () => ({ idempotencyKey: `key-${++keys}` });

beforeEach(async () => {
  sim = await startShopifySimulator({ accessToken: TOKEN });
  shop = {
    channel: 'shopify',
    shopId: 'omni-stock.myshopify.com',
    brand: 'Omni',
    secret: 'shpss_client_secret',
    endpoint: sim.url,
    credentials: { accessToken: TOKEN, locationId: sim.locationId },
  };
  sim.listings.put(PRODUCT, VARIANT, 10);
});
afterEach(() => sim.close());

describe('shopifyStock against the simulated GraphQL Admin API', () => {
  it('is the connector’s stock API: set, increment and CAS, with idempotency keys', () => {
    expect(shopify.stock).toBe(shopifyStock);
    expect(shopifyStock.writes).toEqual(['SET', 'INCREMENT', 'CAS']);
    expect(shopifyStock.idempotentIncrements).toBe(true);
  });

  it('sets, adjusts and compare-and-sets the available quantity, and reads it back', async () => {
    expect(await shopifyStock.set!(shop, listing, 7, fresh())).toEqual({ ok: true, value: { quantityAfter: 7 } });
    expect(await shopifyStock.increment!(shop, listing, -2, fresh())).toEqual({ ok: true, value: { quantityAfter: 5 } });
    expect(await shopifyStock.compareAndSet!(shop, listing, 5, 9, fresh())).toEqual({ ok: true, value: { quantityAfter: 9 } });
    expect(sim.listings.get(PRODUCT, VARIANT)?.quantity).toBe(9);
    expect(await shopifyStock.read!(shop, listing)).toEqual({ ok: true, value: 9 });
  });

  it('sends the access token: a wrong one is refused (401) without retry, and nothing changes', async () => {
    const bad = { ...shop, shopId: 'other.myshopify.com', credentials: { ...shop.credentials, accessToken: 'shpat_wrong' } };
    expect(await shopifyStock.set!(bad, listing, 1, fresh())).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('HTTP 401') });
    expect(sim.listings.get(PRODUCT, VARIANT)?.quantity).toBe(10);
    expect(sim.calls.at(-1)).toMatchObject({ path: '/admin/api/2026-04/graphql.json', status: 401 });
  });

  it('applies an increment retried with the same key once, answering the first answer again', async () => {
    const key = fresh();
    expect(await shopifyStock.increment!(shop, listing, 3, key)).toEqual({ ok: true, value: { quantityAfter: 13 } });
    expect(await shopifyStock.increment!(shop, listing, 3, key)).toEqual({ ok: true, value: { quantityAfter: 13 } });
    expect(sim.listings.get(PRODUCT, VARIANT)).toMatchObject({ quantity: 13, writes: 1 });
    expect(await shopifyStock.increment!(shop, listing, 4, key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('IDEMPOTENCY_KEY_PARAMETER_MISMATCH'),
    });
  });

  it('answers a stale compare-and-set with cas_mismatch and what the listing holds', async () => {
    sim.sell(PRODUCT, VARIANT, 1, 'MUG');
    expect(await shopifyStock.compareAndSet!(shop, listing, 10, 20, fresh())).toMatchObject({ ok: false, code: 'cas_mismatch', retryable: false, actual: 9 });
    expect(sim.listings.get(PRODUCT, VARIANT)?.quantity).toBe(9);
  });

  it('maps THROTTLED to rate_limited with the bucket’s refill wait, injected and from the bucket', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await shopifyStock.set!(shop, listing, 1, fresh())).toMatchObject({ ok: false, code: 'rate_limited', retryable: true, retryAfterMs: 100 });
    const tight = await startShopifySimulator({ accessToken: TOKEN, stockRatePerSecond: 0.1 });
    try {
      tight.listings.put(PRODUCT, VARIANT, 10);
      const tightShop = { ...shop, endpoint: tight.url };
      // A full bucket admits one call here: the read; the write after it is throttled.
      expect(await shopifyStock.read!(tightShop, listing)).toEqual({ ok: true, value: 10 });
      expect(await shopifyStock.set!(tightShop, listing, 2, fresh())).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(tight.listings.get(PRODUCT, VARIANT)?.quantity).toBe(10);
    } finally {
      await tight.close();
    }
  });

  it('treats a 503 and a timeout as retryable; the timed-out write, retried with its key, applies once', async () => {
    sim.listings.injectFaults('server-error');
    expect(await shopifyStock.set!(shop, listing, 1, fresh())).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    sim.listings.slowMs = 40;
    sim.listings.injectFaults('timeout');
    const impatient = { ...shop, credentials: { ...shop.credentials, stockTimeoutMs: '100' } };
    const key = fresh();
    expect(await shopifyStock.increment!(impatient, listing, 5, key)).toMatchObject({ ok: false, retryable: true });
    expect(await shopifyStock.increment!(shop, listing, 5, key)).toEqual({ ok: true, value: { quantityAfter: 15 } });
    expect(sim.listings.get(PRODUCT, VARIANT)?.quantity).toBe(15);
  });

  it('a not-applied write answers success, and the read shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await shopifyStock.set!(shop, listing, 3, fresh())).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(await shopifyStock.read!(shop, listing)).toEqual({ ok: true, value: 10 });
  });

  it('maps an unknown variant to not_found, and a missing location to a permanent failure', async () => {
    expect(await shopifyStock.set!(shop, { itemId: PRODUCT, skuId: '1' }, 3, fresh())).toMatchObject({ ok: false, code: 'not_found', retryable: false });
    expect(await shopifyStock.read!(shop, { itemId: '1', skuId: VARIANT })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await shopifyStock.set!({ ...shop, credentials: { accessToken: TOKEN } }, listing, 3, fresh())).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('locationId'),
    });
    expect(await shopifyStock.increment!(shop, listing, -11, fresh())).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('NEGATIVE'),
    });
  });
});

describe('sell on the simulator', () => {
  it('decrements the listing, stores a paid order naming it, and refuses when empty', () => {
    sim.listings.put(PRODUCT, VARIANT, 2);
    const id = sim.sell(PRODUCT, VARIANT, 2, 'MUG');
    expect(id).not.toBeNull();
    expect(sim.listings.get(PRODUCT, VARIANT)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(PRODUCT, VARIANT, 1, 'MUG')).toBeNull();
    const [event] = shopify.normalize(shopify.payloadSchema.parse(sim.order(id!)), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'PAID', lines: [{ sku: 'MUG', quantity: 2, itemId: PRODUCT, skuId: VARIANT }] } });
  });
});
