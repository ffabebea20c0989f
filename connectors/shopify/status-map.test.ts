import { describe, expect, it } from 'vitest';
import { makeShopifyOrder, shopifyPush, toInboundPush, withCancellation, withStatus } from '../../simulators/shopify/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopConfig } from '../contract.js';
import { normalizeShopifyOrder } from './normalize.js';
import { lookupStatus, shopifyStatusKey, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'shopify', shopId: 'omni-test', brand: 'Omni', secret: 's' };
const base = makeShopifyOrder({
  id: 5940139491234,
  lines: [{ sku: 'TEE-RED-M', quantity: 1, price: '19.99' }],
  createdAt: new Date('2025-03-01T15:00:00Z'),
});
const later = new Date('2025-03-02T09:30:00Z');

/**
 * The expected canonical status for each supported Shopify combination, written out by hand
 * from the rules in README.md, so the table in status-map.ts is checked against an
 * independent statement of intent rather than against itself.
 */
const EXPECTED: ReadonlyArray<[financial: string, fulfillment: string | null, cancelled: boolean, expected: OrderStatus]> = [
  ['pending', null, false, 'CREATED'],
  ['pending', 'partial', false, 'CREATED'],
  ['pending', 'fulfilled', false, 'SHIPPED'],
  ['authorized', null, false, 'CREATED'],
  ['authorized', 'partial', false, 'CREATED'],
  ['authorized', 'fulfilled', false, 'SHIPPED'],
  ['partially_paid', null, false, 'CREATED'],
  ['partially_paid', 'partial', false, 'CREATED'],
  ['partially_paid', 'fulfilled', false, 'SHIPPED'],
  ['paid', null, false, 'PAID'],
  ['paid', 'partial', false, 'PAID'],
  ['paid', 'fulfilled', false, 'SHIPPED'],
  ['partially_refunded', null, false, 'REFUNDING'],
  ['partially_refunded', 'partial', false, 'REFUNDING'],
  ['partially_refunded', 'fulfilled', false, 'REFUNDING'],
  ['partially_refunded', 'restocked', false, 'REFUNDING'],
  ['refunded', null, false, 'REFUNDED'],
  ['refunded', 'partial', false, 'REFUNDED'],
  ['refunded', 'fulfilled', false, 'REFUNDED'],
  ['refunded', 'restocked', false, 'REFUNDED'],
  ['voided', null, false, 'CANCELLED'],
  ['expired', null, false, 'CLOSED'],
  ...(['pending', 'authorized', 'partially_paid', 'paid', 'partially_refunded', 'voided', 'expired'] as const).flatMap((financial) =>
    ([null, 'partial', 'fulfilled', 'restocked'] as const).map(
      (fulfillment) => [financial, fulfillment, true, 'CANCELLED'] as [string, string | null, boolean, OrderStatus],
    ),
  ),
  ['refunded', null, true, 'REFUNDED'],
  ['refunded', 'partial', true, 'REFUNDED'],
  ['refunded', 'fulfilled', true, 'REFUNDED'],
  ['refunded', 'restocked', true, 'REFUNDED'],
];

function orderWith(financial: string, fulfillment: string | null, cancelled: boolean) {
  const updated = withStatus(base, financial, fulfillment, later);
  return cancelled ? withCancellation(updated, later, financial) : updated;
}

function keyOf(financial: string, fulfillment: string | null, cancelled: boolean): string {
  return `${financial}/${fulfillment ?? 'unfulfilled'}${cancelled ? '/cancelled' : ''}`;
}

describe('statusMap', () => {
  it('supports exactly the documented combinations', () => {
    expect(Object.keys(statusMap).sort()).toEqual(EXPECTED.map(([f, ff, c]) => keyOf(f, ff, c)).sort());
  });

  it('maps only to canonical statuses', () => {
    for (const status of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(status);
  });

  it('cannot be changed at run time', () => {
    expect(Object.isFrozen(statusMap)).toBe(true);
  });

  describe.each(EXPECTED)('%s / %s (cancelled: %s)', (financial, fulfillment, cancelled, expected) => {
    it(`→ ${expected} in the map`, () => {
      const key = shopifyStatusKey({ financial_status: financial, fulfillment_status: fulfillment, cancelled_at: cancelled ? 'x' : null });
      expect(key).toBe(keyOf(financial, fulfillment, cancelled));
      expect(statusMap[key]).toBe(expected);
    });

    it(`→ ${expected} through normalize, with the key kept as channelStatus`, () => {
      const order = orderWith(financial, fulfillment, cancelled);
      const result = normalizeShopifyOrder(order, shop, toInboundPush(shopifyPush(order, 'orders/updated', 's', 'x'), 1));
      expect(result).toMatchObject({ ok: true, value: { status: expected, channelStatus: keyOf(financial, fulfillment, cancelled) } });
    });
  });

  it('renders the channel status the way Shopify admin reads it', () => {
    expect(shopifyStatusKey({ financial_status: 'paid', fulfillment_status: null, cancelled_at: null })).toBe('paid/unfulfilled');
    expect(shopifyStatusKey({ financial_status: 'refunded', fulfillment_status: 'restocked', cancelled_at: '2025-03-02T04:30:00-05:00' })).toBe(
      'refunded/restocked/cancelled',
    );
  });
});

describe('unknown Shopify statuses', () => {
  const cases: Array<[financial: string | null, fulfillment: string | null, cancelled: boolean, key: string]> = [
    ['paid', 'restocked', false, 'paid/restocked'], // restocked but neither cancelled nor refunded
    ['voided', 'fulfilled', false, 'voided/fulfilled'], // shipped against a voided payment
    ['expired', 'partial', false, 'expired/partial'],
    ['chargeback', null, false, 'chargeback/unfulfilled'], // a word Shopify might add
    ['paid', 'on_hold', false, 'paid/on_hold'],
    [null, null, false, 'null/unfulfilled'],
    ['PAID', null, false, 'PAID/unfulfilled'], // case matters: Shopify REST sends lower case
  ];

  it.each(cases)('%s / %s (cancelled: %s) is dead-lettered with a reason', (financial, fulfillment, cancelled, key) => {
    const order = { ...orderWith('paid', null, cancelled), financial_status: financial, fulfillment_status: fulfillment };
    const result = normalizeShopifyOrder(order, shop, toInboundPush(shopifyPush(order, 'orders/updated', 's', 'x'), 1));
    expect(result).toEqual({ ok: false, reason: `unknown Shopify status "${key}"` });
  });

  it('never matches inherited object properties', () => {
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(lookupStatus(key)).toBeUndefined();
  });
});
