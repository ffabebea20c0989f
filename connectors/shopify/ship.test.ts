import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeShopifyOrder, type ShopifySimulator, startShopifySimulator, withCancellation, withStatus } from '../../simulators/shopify/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { shopify } from './index.js';
import { pullShopifyOrders } from './pull.js';
import { SHOPIFY_CARRIERS, shopifyHttpResult } from './ship.js';

const TOKEN = 'shpat_sim_ship_0123456789';
const domain = 'omni-ship.myshopify.com';
const ORDER_ID = 5_940_100_000_001;
let sim: ShopifySimulator;
let shop: ShopConfig;

const paidOrder = () =>
  withStatus(
    makeShopifyOrder({ id: ORDER_ID, lines: [{ sku: 'TEE', quantity: 2, price: '19.99' }], createdAt: new Date(Date.now() - 3_600_000) }),
    'paid',
    null,
    new Date(Date.now() - 600_000),
  );
const notice: ShipmentNotice = { channelOrderId: String(ORDER_ID), carrier: 'SF', waybillNo: 'SF1234567890', shippedAt: Date.now() };

beforeEach(async () => {
  sim = await startShopifySimulator({ accessToken: TOKEN });
  shop = { channel: 'shopify', shopId: domain, brand: 'Omni', secret: 'shpss_client_secret', endpoint: sim.url, credentials: { accessToken: TOKEN } };
});
afterEach(() => sim.close());

describe('Shopify carrier table', () => {
  it('names a Shopify tracking company for every carrier of ours', () => {
    for (const c of CARRIERS) expect(SHOPIFY_CARRIERS[c]).toMatch(/\S/);
    expect(SHOPIFY_CARRIERS).toEqual({ SF: 'SF Express', ZTO: 'ZTO Express', YTO: 'YTO Express', JD: 'JD Logistics' });
  });
});

describe('ship() against the simulated fulfillment-order API', () => {
  it('fulfils the open fulfillment order with tracking, and the order list then shows it shipped', async () => {
    sim.upsertOrder(paidOrder());
    const before = Date.now() - 1000;
    expect(await shopify.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toEqual([{ orderId: ORDER_ID, trackingNumber: 'SF1234567890', company: 'SF Express' }]);
    expect(sim.calls.map((c) => `${c.path} ${c.status}`)).toEqual([
      `/admin/api/2025-07/orders/${ORDER_ID}/fulfillment_orders.json 200`,
      '/admin/api/2025-07/fulfillments.json 201',
    ]);
    const pulled = [];
    for await (const o of pullShopifyOrders(shop, { from: new Date(before), to: new Date(Date.now() + 1000) })) pulled.push(o);
    const [event] = shopify.normalize(shopify.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'SHIPPED', channelStatus: 'paid/fulfilled' } });
  });

  it('answers a repeated ship as done without a second fulfillment (already shipped)', async () => {
    sim.upsertOrder(paidOrder());
    await shopify.ship!(shop, notice);
    expect(await shopify.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toHaveLength(1);
  });

  it('reports 5xx and 429 as retryable, and succeeds once they pass', async () => {
    sim.upsertOrder(paidOrder());
    sim.injectShipFaults(1, 'server-error');
    sim.injectShipFaults(1, 'rate-limit');
    expect(await shopify.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(await shopify.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 429') });
    expect(await shopify.ship!(shop, notice)).toEqual({ ok: true });
  });

  it('refuses, without retry, an unknown order, a cancelled order and a wrong token', async () => {
    expect(await shopify.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('HTTP 404') });
    sim.upsertOrder(withCancellation(paidOrder(), new Date(), 'refunded'));
    expect(await shopify.ship!(shop, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('no fulfillable fulfillment order (cancelled)'),
    });
    expect(await shopify.ship!({ ...shop, credentials: { accessToken: 'shpat_wrong' } }, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('HTTP 401'),
    });
    expect(sim.shipments).toHaveLength(0);
  });

  it('reports a network failure as retryable', async () => {
    await sim.close();
    expect(await shopify.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true });
    sim = await startShopifySimulator({ accessToken: TOKEN }); // for afterEach
  });
});

describe('shopifyHttpResult', () => {
  it.each([
    [201, true, undefined],
    [429, false, true],
    [500, false, true],
    [503, false, true],
    [400, false, false],
    [404, false, false],
    [422, false, false],
  ])('HTTP %i → ok %s, retryable %s', (status, ok, retryable) => {
    const r = shopifyHttpResult(status, 'x', '');
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.retryable).toBe(retryable);
  });
});
