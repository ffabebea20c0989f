import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startYouzanSimulator, type YouzanSimulator } from '../../simulators/youzan/index.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { STOCK_FAILURES } from '../stock-api.js';
import { youzan } from './index.js';
import { youzanStock } from './stock.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e09';
const SECRET = 'sim-client-secret-stock';
const KDT = '41566521';
const opts = { idempotencyKey: 'k-1' };
let sim: YouzanSimulator;
let shop: ShopConfig;
let next = 0;

/** A fresh listing per test: item and SKU ids as Youzan numbers them. */
function listing(quantity: number) {
  const ref = { itemId: String(510_000_000 + next), skuId: String(36_700_000 + next++) };
  sim.listings.put(ref.itemId, ref.skuId, quantity);
  return ref;
}

beforeAll(async () => {
  sim = await startYouzanSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, kdtId: KDT, stockRatePerSecond: 1000 });
  sim.listings.slowMs = 200;
  shop = {
    channel: 'youzan',
    shopId: 'yz-stock',
    brand: 'Omni',
    secret: SECRET,
    endpoint: sim.url,
    credentials: { clientId: CLIENT_ID, kdtId: KDT, stockTimeoutMs: '1000' },
  };
});
afterAll(() => sim.close());

describe('youzanStock against the Youzan simulator', () => {
  it('is wired into the connector: sets and increments, no idempotency keys, a read-back', () => {
    expect(youzan.stock).toBe(youzanStock);
    expect(youzanStock.writes).toEqual(['INCREMENT', 'SET']);
    expect(youzanStock.idempotentIncrements).toBe(false);
    expect(youzanStock.rateLimit.source).toMatch(/^unverified/);
  });

  it('increments (type 1, negative allowed) and sets (type 0)', async () => {
    const ref = listing(10);
    expect(await youzanStock.increment!(shop, ref, 4, opts)).toEqual({ ok: true, value: { quantityAfter: null } });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(14);
    expect(await youzanStock.increment!(shop, ref, -9, opts)).toMatchObject({ ok: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
    expect(await youzanStock.set!(shop, ref, 30, opts)).toMatchObject({ ok: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(30);
  });

  it('writes and reads an item without SKUs (listing item/item: sku_id left out)', async () => {
    const itemId = String(520_000_000 + next++);
    sim.listings.put(itemId, itemId, 3);
    expect(await youzanStock.set!(shop, { itemId, skuId: itemId }, 8, opts)).toMatchObject({ ok: true });
    expect(await youzanStock.read!(shop, { itemId, skuId: itemId })).toEqual({ ok: true, value: 8 });
  });

  it('reads a SKU quantity back from youzan.item.get', async () => {
    const ref = listing(23);
    expect(await youzanStock.read!(shop, ref)).toEqual({ ok: true, value: 23 });
  });

  it('a wrong client_secret gets no token: refused, not retryable, nothing written', async () => {
    const ref = listing(3);
    const wrong = { ...shop, secret: 'not-the-secret' };
    expect(await youzanStock.set!(wrong, ref, 9, opts)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(3);
  });

  it('an unknown token is refused by the gateway (4203)', async () => {
    const ref = listing(3);
    const stale = { ...shop, credentials: { ...shop.credentials, accessToken: 'revoked' } };
    expect(await youzanStock.set!(stale, ref, 9, opts)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(3);
  });

  it('maps an unknown item or SKU to not_found; a reduction below zero is refused', async () => {
    const ref = listing(1);
    expect(await youzanStock.set!(shop, { itemId: '1', skuId: '2' }, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound, retryable: false });
    expect(await youzanStock.increment!(shop, { itemId: ref.itemId, skuId: '3' }, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
    expect(await youzanStock.read!(shop, { itemId: ref.itemId, skuId: '3' })).toMatchObject({ ok: false, code: STOCK_FAILURES.notFound });
    expect(await youzanStock.increment!(shop, ref, -2, opts)).toMatchObject({ ok: false, retryable: false });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(1);
  });

  it('maps the gateway rate limit (4204) to rate_limited', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('rate-limit');
    expect(await youzanStock.increment!(shop, ref, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it("refuses a call the simulator's token bucket has no token for with rate_limited", async () => {
    const strict = await startYouzanSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, kdtId: KDT, stockRatePerSecond: 0.001 });
    try {
      strict.listings.put('1', '2', 5);
      const there = { ...shop, endpoint: strict.url };
      expect(await youzanStock.increment!(there, { itemId: '1', skuId: '2' }, 1, opts)).toMatchObject({ ok: false, code: STOCK_FAILURES.rateLimited });
      expect(strict.listings.get('1', '2')?.quantity).toBe(5);
    } finally {
      await strict.close();
    }
  });

  it('maps a 5xx to a retryable failure and changes nothing', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('server-error');
    expect(await youzanStock.set!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
    expect(sim.listings.get(ref.itemId, ref.skuId)?.quantity).toBe(5);
  });

  it('a lost answer (timeout) is a retryable failure', async () => {
    const ref = listing(5);
    sim.listings.injectFaults('timeout');
    expect(await youzanStock.increment!(shop, ref, 1, opts)).toMatchObject({ ok: false, retryable: true });
  });

  it("'not-applied': Youzan answers success, the read-back shows the old quantity", async () => {
    const ref = listing(5);
    sim.listings.injectFaults('not-applied');
    expect(await youzanStock.set!(shop, ref, 50, opts)).toMatchObject({ ok: true });
    expect(await youzanStock.read!(shop, ref)).toEqual({ ok: true, value: 5 });
  });
});

describe('sell() on the Youzan simulator', () => {
  const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };

  it('decrements the listing, stores a paid trade whose line carries itemId/skuId, refuses when empty', async () => {
    const ref = listing(2);
    const tid = sim.sell(ref.itemId, ref.skuId, 2, 'MUG-BLUE');
    expect(tid).toMatch(/^E\d+$/);
    expect(sim.listings.get(ref.itemId, ref.skuId)).toMatchObject({ quantity: 0, sold: 2 });
    expect(sim.sell(ref.itemId, ref.skuId, 1)).toBeNull();

    const trades: unknown[] = [];
    for await (const t of youzan.pull!(shop, { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) })) trades.push(t);
    const trade = trades.find((t) => (t as { full_order_info: { order_info: { tid: string } } }).full_order_info.order_info.tid === tid);
    expect(youzan.normalize(youzan.payloadSchema.parse(trade), shop, push)).toMatchObject([
      { ok: true, value: { status: 'PAID', lines: [{ sku: 'MUG-BLUE', quantity: 2, itemId: ref.itemId, skuId: ref.skuId }] } },
    ]);
  });
});
