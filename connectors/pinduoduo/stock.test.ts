import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type PddSimulator, startPddSimulator } from '../../simulators/pinduoduo/index.js';
import type { ShopConfig } from '../contract.js';
import { makePinduoduoConnector } from './index.js';
import { pinduoduoStock } from './stock.js';

const CLIENT_ID = 'pdd-client-1';
const SECRET = 'client-secret-stock-1';
const TOKEN = 'access-token-1';
const GOODS = '412345678901';
const SKU = '1298765432109';
const listing = { itemId: GOODS, skuId: SKU };
const key = { idempotencyKey: 'k-1' };
let sim: PddSimulator;
let shop: ShopConfig;

beforeEach(async () => {
  sim = await startPddSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, accessToken: TOKEN });
  shop = {
    channel: 'pinduoduo',
    shopId: 'pdd-omni',
    brand: 'Omni',
    secret: SECRET,
    endpoint: sim.url,
    credentials: { clientId: CLIENT_ID, accessToken: TOKEN },
  };
  sim.listings.put(GOODS, SKU, 10);
});
afterEach(async () => {
  await sim.close();
});

describe('pinduoduoStock against the simulated PDD router', () => {
  it('is the connector’s stock API: set and increment, no idempotency keys', () => {
    expect(makePinduoduoConnector().stock).toBe(pinduoduoStock);
    expect(pinduoduoStock.writes).toEqual(['SET', 'INCREMENT']);
    expect(pinduoduoStock.idempotentIncrements).toBe(false);
  });

  it('sets (update_type 1) and increments (update_type 2), signed, and reads back', async () => {
    expect(await pinduoduoStock.set!(shop, listing, 7, key)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(GOODS, SKU)?.quantity).toBe(7);
    expect(await pinduoduoStock.increment!(shop, listing, 5, key)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(GOODS, SKU)?.quantity).toBe(12);
    expect(await pinduoduoStock.read!(shop, listing)).toEqual({ ok: true, value: 12 });
    expect(sim.apiCalls.map((c) => c.type)).toEqual(['pdd.goods.quantity.update', 'pdd.goods.quantity.update', 'pdd.goods.skus.get']);
  });

  it('refuses a wrong secret (sign校验失败) without retry, and changes nothing', async () => {
    expect(await pinduoduoStock.set!({ ...shop, secret: 'not-the-secret' }, listing, 1, key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('10003'),
    });
    expect(sim.listings.get(GOODS, SKU)?.quantity).toBe(10);
  });

  it('maps a promotion-slot refusal of a reduction to promotion_locked; raising stock still works', async () => {
    sim.listings.put(GOODS, SKU, 10, { promotionLocked: true });
    expect(await pinduoduoStock.set!(shop, listing, 4, key)).toMatchObject({ ok: false, code: 'promotion_locked', retryable: false });
    expect(await pinduoduoStock.increment!(shop, listing, -1, key)).toMatchObject({ ok: false, code: 'promotion_locked' });
    expect(await pinduoduoStock.increment!(shop, listing, 3, key)).toMatchObject({ ok: true });
    expect(sim.listings.get(GOODS, SKU)?.quantity).toBe(13);
  });

  it('maps flow control (70031) to rate_limited, injected and from the bucket', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await pinduoduoStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, code: 'rate_limited', retryable: true });
    const tight = await startPddSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, accessToken: TOKEN, stockRatePerSecond: 1 });
    try {
      tight.listings.put(GOODS, SKU, 10);
      const tightShop = { ...shop, endpoint: tight.url };
      expect(await pinduoduoStock.set!(tightShop, listing, 1, key)).toMatchObject({ ok: true });
      expect(await pinduoduoStock.set!(tightShop, listing, 2, key)).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(tight.listings.get(GOODS, SKU)?.quantity).toBe(1);
    } finally {
      await tight.close();
    }
  });

  it('treats a 503 and a timeout as retryable', async () => {
    sim.listings.injectFaults('server-error');
    expect(await pinduoduoStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    sim.listings.slowMs = 40;
    sim.listings.injectFaults('timeout');
    const impatient = { ...shop, credentials: { ...shop.credentials, stockTimeoutMs: '100' } };
    expect(await pinduoduoStock.set!(impatient, listing, 2, key)).toMatchObject({ ok: false, retryable: true });
  });

  it('a not-applied write answers success, and the read shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await pinduoduoStock.set!(shop, listing, 3, key)).toMatchObject({ ok: true });
    expect(await pinduoduoStock.read!(shop, listing)).toEqual({ ok: true, value: 10 });
  });

  it('maps an unknown SKU to not_found, and a negative result to a permanent refusal', async () => {
    expect(await pinduoduoStock.set!(shop, { itemId: GOODS, skuId: '1' }, 3, key)).toMatchObject({ ok: false, code: 'not_found', retryable: false });
    expect(await pinduoduoStock.read!(shop, { itemId: GOODS, skuId: '1' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await pinduoduoStock.increment!(shop, listing, -11, key)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(GOODS, SKU)?.quantity).toBe(10);
  });
});

describe('sell on the simulator', () => {
  it('decrements the listing, stores a paid order naming it, and refuses when empty', async () => {
    sim.listings.put(GOODS, SKU, 2);
    const orderSn = sim.sell(GOODS, SKU, 2, 'PDD-SKU-9');
    expect(orderSn).not.toBeNull();
    expect(sim.listings.get(GOODS, SKU)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(GOODS, SKU, 1, 'PDD-SKU-9')).toBeNull();
    const connector = makePinduoduoConnector();
    const [event] = connector.normalize(connector.payloadSchema.parse(sim.order(orderSn!)), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'PAID', lines: [{ sku: 'PDD-SKU-9', quantity: 2, itemId: GOODS, skuId: SKU }] } });
  });
});
