import { describe, expect, it } from 'vitest';
import type { ShopConfig } from '../../connectors/contract.js';
import { shopify } from '../../connectors/shopify/index.js';
import { formatShopifyTime, makeShopifyOrder, SIM_API_VERSION, shopifyPush, toInboundPush, withCancellation, withStatus } from './index.js';

const domain = 'omni-test.myshopify.com';
const shop: ShopConfig = { channel: 'shopify', shopId: domain, brand: 'Omni', secret: 'shpss_client_secret' };
const created = makeShopifyOrder({
  id: 5940139491234,
  lines: [
    { sku: 'TEE-RED-M', quantity: 2, price: '19.99' },
    { sku: 'CAP', quantity: 1, price: '12.50' },
  ],
  createdAt: new Date('2025-03-01T15:04:05.678Z'),
  shipping: '4.95',
});

/** The gateway's path for one delivery: verify, parse, validate, normalize. */
function ingest(order = created, topic: Parameters<typeof shopifyPush>[1] = 'orders/create') {
  const push = toInboundPush(shopifyPush(order, topic, shop.secret, domain), 1_741_000_000_000);
  const verified = shopify.verify(push, shop);
  if (!verified.ok) throw new Error(verified.reason);
  const payload = shopify.payloadSchema.parse(JSON.parse(push.rawBody.toString('utf8')));
  const [event] = shopify.normalize(payload, shop, push);
  if (!event) throw new Error('no event');
  return event;
}

describe('Shopify simulator', () => {
  it('sends the headers Shopify sends', () => {
    const { headers, body } = shopifyPush(created, 'orders/create', shop.secret, domain);
    expect(Object.keys(headers).sort()).toEqual([
      'Content-Type',
      'X-Shopify-API-Version',
      'X-Shopify-Event-Id',
      'X-Shopify-Hmac-SHA256',
      'X-Shopify-Shop-Domain',
      'X-Shopify-Topic',
      'X-Shopify-Triggered-At',
      'X-Shopify-Webhook-Id',
    ]);
    expect(headers).toMatchObject({
      'Content-Type': 'application/json',
      'X-Shopify-Topic': 'orders/create',
      'X-Shopify-Shop-Domain': domain,
      'X-Shopify-API-Version': SIM_API_VERSION,
      'X-Shopify-Triggered-At': '2025-03-01T15:04:05.000Z',
    });
    expect(headers['X-Shopify-Webhook-Id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(JSON.parse(body)).toEqual(created);
  });

  it('redelivers a change with the same webhook id, and new changes or topics with new ones', () => {
    const id = (order = created, topic: Parameters<typeof shopifyPush>[1] = 'orders/create') =>
      shopifyPush(order, topic, shop.secret, domain).headers['X-Shopify-Webhook-Id'];
    expect(id()).toBe(id());
    expect(id(created, 'orders/updated')).not.toBe(id());
    expect(id(withStatus(created, 'paid', null, new Date('2025-03-01T16:00:00Z')))).not.toBe(id());
    // One merchant action fans out to several topics under one event id.
    const paid = withStatus(created, 'paid', null, new Date('2025-03-01T16:00:00Z'));
    const event = (topic: Parameters<typeof shopifyPush>[1]) => shopifyPush(paid, topic, shop.secret, domain).headers['X-Shopify-Event-Id'];
    expect(event('orders/paid')).toBe(event('orders/updated'));
  });

  it('renders times in shop-local ISO-8601 with offset, whole seconds, like Shopify', () => {
    expect(created.created_at).toBe('2025-03-01T10:04:05-05:00');
    expect(formatShopifyTime(new Date('2025-03-01T15:04:05Z'), 330)).toBe('2025-03-01T20:34:05+05:30');
    expect(formatShopifyTime(new Date('2025-03-01T15:04:05Z'), 0)).toBe('2025-03-01T15:04:05+00:00');
  });

  it('totals lines plus shipping with exact money', () => {
    expect(created.total_price).toBe('57.43');
    expect(created.subtotal_price).toBe('52.48');
  });

  it('carries personal data, so the PII tests test something', () => {
    const body = JSON.stringify(created);
    expect(created.shipping_address?.first_name).toBeTruthy();
    expect(created.customer?.email).toContain('@');
    expect(body).toContain(created.shipping_address!.address1!);
  });
});

describe('shopify connector, end to end over simulated deliveries', () => {
  it('follows an order through its life', () => {
    const t = (iso: string) => new Date(iso);
    const paid = withStatus(created, 'paid', null, t('2025-03-01T15:05:00Z'));
    const partial = withStatus(paid, 'paid', 'partial', t('2025-03-02T09:00:00Z'));
    const shipped = withStatus(paid, 'paid', 'fulfilled', t('2025-03-03T09:00:00Z'));
    const refunding = withStatus(shipped, 'partially_refunded', 'fulfilled', t('2025-03-10T09:00:00Z'));
    const steps = [
      [created, 'orders/create', 'CREATED', 'pending/unfulfilled'],
      [paid, 'orders/paid', 'PAID', 'paid/unfulfilled'],
      [partial, 'orders/updated', 'PAID', 'paid/partial'],
      [shipped, 'orders/fulfilled', 'SHIPPED', 'paid/fulfilled'],
      [refunding, 'orders/updated', 'REFUNDING', 'partially_refunded/fulfilled'],
    ] as const;
    for (const [order, topic, status, channelStatus] of steps) {
      expect(ingest(order, topic)).toMatchObject({ ok: true, value: { status, channelStatus, totalMinor: 5743 } });
    }
  });

  it('maps a cancellation before shipping', () => {
    const cancelled = withCancellation(created, new Date('2025-03-01T18:00:00Z'), 'voided');
    expect(cancelled.closed_at).toBe(cancelled.cancelled_at);
    expect(ingest(cancelled, 'orders/cancelled')).toMatchObject({
      ok: true,
      value: { status: 'CANCELLED', channelStatus: 'voided/unfulfilled/cancelled', occurredAt: Date.parse('2025-03-01T18:00:00Z') },
    });
    const refunded = withCancellation(withStatus(created, 'paid', null, new Date('2025-03-01T15:05:00Z')), new Date('2025-03-01T18:00:00Z'), 'refunded');
    expect(ingest(refunded, 'orders/cancelled')).toMatchObject({ ok: true, value: { status: 'REFUNDED' } });
  });

  it('exposes the status map it normalizes with', () => {
    expect(shopify.channel).toBe('shopify');
    expect(shopify.statusMap['paid/unfulfilled']).toBe('PAID');
  });
});

describe('shop attribution', () => {
  it('refuses a validly signed delivery replayed to another shop', () => {
    const push = toInboundPush(shopifyPush(created, 'orders/create', shop.secret, 'other-shop.myshopify.com'), 1_741_000_000_000);
    expect(shopify.verify(push, shop)).toEqual({ ok: false, reason: 'X-Shopify-Shop-Domain "other-shop.myshopify.com" is not this shop' });
  });
});
