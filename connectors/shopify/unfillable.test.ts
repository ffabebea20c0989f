import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ShopifySimulator, startShopifySimulator, withCancellation, withStatus } from '../../simulators/shopify/index.js';
import type { ShopConfig } from '../contract.js';
import { shopify } from './index.js';
import { shopifyUnfillable } from './unfillable.js';

const TOKEN = 'shpat_sim_cancel_0123456789';
const PRODUCT = '8123456789012';
const VARIANT = '45123456789012';
let sim: ShopifySimulator;
let shop: ShopConfig;

const notice = (channelOrderId: string) => ({ channelOrderId, reason: 'no stock left for MUG at the warehouse', idempotencyKey: `cancel-${channelOrderId}` });

/** The order as reconciliation sees it: pull over HTTP, then normalize. */
async function pulled(id: number) {
  const now = Date.now();
  for await (const payload of shopify.pull!(shop, { from: new Date(now - 3_600_000), to: new Date(now + 3_600_000) })) {
    const order = shopify.payloadSchema.parse(payload);
    if (order.id !== id) continue;
    const [event] = shopify.normalize(order, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: now });
    if (!event?.ok) throw new Error('order did not normalize');
    return event.value;
  }
  throw new Error(`order ${id} not pulled`);
}

beforeEach(async () => {
  sim = await startShopifySimulator({ accessToken: TOKEN });
  shop = {
    channel: 'shopify',
    shopId: 'omni-cancel.myshopify.com',
    brand: 'Omni',
    secret: 'shpss_client_secret',
    endpoint: sim.url,
    credentials: { accessToken: TOKEN, locationId: sim.locationId },
  };
  sim.listings.put(PRODUCT, VARIANT, 3);
});
afterEach(() => sim.close());

describe('shopifyUnfillable against the simulated GraphQL Admin API', () => {
  it('is the connector’s unfillable API: a seller cancellation through orderCancel', () => {
    expect(shopify.unfillable).toBe(shopifyUnfillable);
    expect(shopifyUnfillable.action).toBe('CANCEL');
    expect(shopifyUnfillable.source).toContain('orderCancel');
  });

  it('cancels a paid, unfulfilled order with a refund and no restock; pull then returns it refunded and cancelled', async () => {
    const id = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    expect(await pulled(id)).toMatchObject({ status: 'PAID' });
    const result = await shopifyUnfillable.tell(shop, notice(String(id)));
    expect(result).toEqual({ ok: true, value: { platformRef: expect.stringMatching(/^gid:\/\/shopify\/Job\//), alreadyDone: false } });
    expect(sim.cancellations).toEqual([
      {
        orderId: id,
        reason: 'INVENTORY',
        staffNote: 'omnistream: no stock left for MUG at the warehouse',
        restock: false,
        notifyCustomer: true,
        refunded: true,
        jobId: result.ok ? result.value.platformRef : '',
      },
    ]);
    expect(sim.order(id)).toMatchObject({ financial_status: 'refunded', cancel_reason: 'inventory', cancelled_at: expect.any(String) });
    expect(await pulled(id)).toMatchObject({ status: 'REFUNDED', channelStatus: 'refunded/unfulfilled/cancelled' });
    // Listing stock is the hub's to push: the cancellation leaves it alone.
    expect(sim.listings.get(PRODUCT, VARIANT)?.quantity).toBe(2);
  });

  it('answers an order cancelled already (a retry after a lost answer, or the buyer) as done, without a second cancellation', async () => {
    const id = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    const other = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    sim.upsertOrder(withCancellation(sim.order(other)!, new Date(), 'refunded', 'customer'));
    expect(await shopifyUnfillable.tell(shop, notice(String(other)))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    expect(sim.cancellations.map((c) => c.orderId)).toEqual([id]);
  });

  it('refuses a shipped (or partly shipped) order as not_cancellable, not retryable, and leaves it shipped', async () => {
    const id = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    sim.upsertOrder(withStatus(sim.order(id)!, 'paid', 'fulfilled', new Date()));
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    const partial = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    sim.upsertOrder(withStatus(sim.order(partial)!, 'paid', 'partial', new Date()));
    expect(await shopifyUnfillable.tell(shop, notice(String(partial)))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    expect(sim.cancellations).toEqual([]);
    expect(await pulled(id)).toMatchObject({ status: 'SHIPPED' });
  });

  it('maps an unknown order to not_found, not retryable', async () => {
    expect(await shopifyUnfillable.tell(shop, notice('6100000009999'))).toMatchObject({ ok: false, code: 'not_found', retryable: false });
    expect(await shopifyUnfillable.tell(shop, notice('#1001'))).toMatchObject({ ok: false, retryable: false });
  });

  it('maps THROTTLED to rate_limited and a 503 to a retryable failure; the retry then cancels once', async () => {
    const id = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    sim.injectCancelFaults(1, 'rate-limit');
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toMatchObject({ ok: false, code: 'rate_limited', retryable: true, retryAfterMs: 100 });
    sim.injectCancelFaults(1, 'server-error');
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(sim.order(id)?.cancelled_at).toBeNull();
    expect(await shopifyUnfillable.tell(shop, notice(String(id)))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(sim.cancellations).toHaveLength(1);
  });

  it('sends the access token: a wrong one is refused (401) without retry, and the order stays paid', async () => {
    const id = sim.sell(PRODUCT, VARIANT, 1, 'MUG')!;
    const bad = { ...shop, credentials: { ...shop.credentials, accessToken: 'shpat_wrong' } };
    expect(await shopifyUnfillable.tell(bad, notice(String(id)))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('HTTP 401') });
    expect(sim.calls.at(-1)).toMatchObject({ path: '/admin/api/2026-04/graphql.json', status: 401 });
    expect(sim.order(id)?.cancelled_at).toBeNull();
    expect(await shopifyUnfillable.tell({ ...shop, credentials: {} }, notice(String(id)))).toMatchObject({ ok: false, retryable: false });
  });
});
