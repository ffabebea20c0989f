import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTaobaoSimulator, type TaobaoSimulator } from '../../simulators/taobao/index.js';
import type { ShopConfig } from '../contract.js';
import { makeTaobaoConnector } from './index.js';
import { taobaoStock } from './stock.js';

const APP_KEY = '12345678';
const SECRET = 'app-secret-stock-1';
const SESSION = '6100e24c3fa0b1sessionkey';
const ITEM = '712345678901';
const SKU = '5234567890123';
const listing = { itemId: ITEM, skuId: SKU };
const key = { idempotencyKey: 'k-1' };
let sim: TaobaoSimulator;
let shop: ShopConfig;

beforeEach(async () => {
  sim = await startTaobaoSimulator({ appKey: APP_KEY, appSecret: SECRET, sessionKey: SESSION });
  shop = { channel: 'taobao', shopId: 'tb-omni', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { appKey: APP_KEY, sessionKey: SESSION } };
  sim.listings.put(ITEM, SKU, 10);
});
afterEach(async () => {
  await sim.close();
});

describe('taobaoStock against the simulated TOP router', () => {
  it('is the connector’s stock API: set and increment, no idempotency keys', () => {
    expect(makeTaobaoConnector().stock).toBe(taobaoStock);
    expect(taobaoStock.writes).toEqual(['SET', 'INCREMENT']);
    expect(taobaoStock.idempotentIncrements).toBe(false);
  });

  it('sets (type 1) and increments (type 2) a SKU, signed, and reads it back', async () => {
    expect(await taobaoStock.set!(shop, listing, 7, key)).toEqual({ ok: true, value: { quantityAfter: 7 } });
    expect(sim.listings.get(ITEM, SKU)?.quantity).toBe(7);
    expect(await taobaoStock.increment!(shop, listing, -2, key)).toEqual({ ok: true, value: { quantityAfter: 5 } });
    expect(sim.listings.get(ITEM, SKU)?.quantity).toBe(5);
    expect(await taobaoStock.read!(shop, listing)).toEqual({ ok: true, value: 5 });
    expect(sim.apiCalls.map((c) => c.method)).toEqual(['taobao.item.quantity.update', 'taobao.item.quantity.update', 'taobao.item.sku.get']);
  });

  it('writes and reads an item without SKUs (skuId = itemId) by num_iid alone', async () => {
    sim.listings.put('700000000001', '700000000001', 3);
    const single = { itemId: '700000000001', skuId: '700000000001' };
    expect(await taobaoStock.increment!(shop, single, 4, key)).toEqual({ ok: true, value: { quantityAfter: 7 } });
    expect(await taobaoStock.read!(shop, single)).toEqual({ ok: true, value: 7 });
  });

  it('refuses a wrong secret (Invalid Signature) without retry, and changes nothing', async () => {
    expect(await taobaoStock.set!({ ...shop, secret: 'not-the-secret' }, listing, 1, key)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('Invalid Signature'),
    });
    expect(sim.listings.get(ITEM, SKU)?.quantity).toBe(10);
  });

  it('maps App Call Limited to rate_limited with the ban’s wait, both injected and from the bucket', async () => {
    sim.listings.injectFaults('rate-limit');
    expect(await taobaoStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, code: 'rate_limited', retryable: true, retryAfterMs: 1000 });
    const tight = await startTaobaoSimulator({ appKey: APP_KEY, appSecret: SECRET, sessionKey: SESSION, stockRatePerSecond: 1 });
    try {
      tight.listings.put(ITEM, SKU, 10);
      const tightShop = { ...shop, endpoint: tight.url };
      expect(await taobaoStock.set!(tightShop, listing, 1, key)).toMatchObject({ ok: true });
      expect(await taobaoStock.set!(tightShop, listing, 2, key)).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(tight.listings.get(ITEM, SKU)?.quantity).toBe(1);
    } finally {
      await tight.close();
    }
  });

  it('treats a 502 and a timeout as retryable', async () => {
    sim.listings.injectFaults('server-error');
    expect(await taobaoStock.set!(shop, listing, 1, key)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 502') });
    sim.listings.slowMs = 40;
    sim.listings.injectFaults('timeout');
    const impatient = { ...shop, credentials: { ...shop.credentials, stockTimeoutMs: '100' } };
    expect(await taobaoStock.set!(impatient, listing, 2, key)).toMatchObject({ ok: false, retryable: true });
  });

  it('a not-applied write answers success, and the read shows the old value', async () => {
    sim.listings.injectFaults('not-applied');
    expect(await taobaoStock.set!(shop, listing, 3, key)).toMatchObject({ ok: true });
    expect(await taobaoStock.read!(shop, listing)).toEqual({ ok: true, value: 10 });
  });

  it('maps an unknown SKU to not_found and a negative result to a permanent refusal', async () => {
    expect(await taobaoStock.set!(shop, { itemId: ITEM, skuId: '1' }, 3, key)).toMatchObject({ ok: false, code: 'not_found', retryable: false });
    expect(await taobaoStock.read!(shop, { itemId: '1', skuId: '1' })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await taobaoStock.increment!(shop, listing, -11, key)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ITEM, SKU)?.quantity).toBe(10);
  });
});

describe('sell on the simulator', () => {
  it('decrements the listing, stores a paid trade naming it, and refuses when empty', async () => {
    sim.listings.put(ITEM, SKU, 2);
    const tid = sim.sell(ITEM, SKU, 2, 'TB-SKU-9');
    expect(tid).not.toBeNull();
    expect(sim.listings.get(ITEM, SKU)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(ITEM, SKU, 1, 'TB-SKU-9')).toBeNull();
    const connector = makeTaobaoConnector();
    const [event] = connector.normalize(connector.payloadSchema.parse(sim.trade(tid!)), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'PAID', lines: [{ sku: 'TB-SKU-9', quantity: 2, itemId: ITEM, skuId: SKU }] } });
  });
});
