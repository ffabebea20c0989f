import { describe, expect, it } from 'vitest';
import { makeShopifyOrder } from '../../simulators/shopify/index.js';
import { shopifyOrderSchema } from './payload.js';

const order = makeShopifyOrder({
  id: 5940139491234,
  lines: [{ sku: 'TEE-RED-M', quantity: 2, price: '19.99' }],
  createdAt: new Date('2025-03-01T15:04:05Z'),
});

/** First issue of a failed parse, as the gateway would report it. */
function firstIssue(input: unknown) {
  const result = shopifyOrderSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.error!.issues[0]!;
}

describe('shopifyOrderSchema', () => {
  it('accepts a full simulated order and keeps fields it does not model', () => {
    const parsed = shopifyOrderSchema.parse(JSON.parse(JSON.stringify(order)));
    expect(parsed.id).toBe(5940139491234);
    expect(parsed.admin_graphql_api_id).toBe('gid://shopify/Order/5940139491234');
    expect((parsed.line_items[0] as Record<string, unknown>).price_set).toBeDefined();
  });

  it('accepts the nullable and optional shapes Shopify sends', () => {
    const { shipping_address: _s, customer: _c, tags: _t, closed_at: _x, ...minimal } = order;
    expect(shopifyOrderSchema.safeParse(minimal).success).toBe(true);
    expect(shopifyOrderSchema.safeParse({ ...order, shipping_address: null, customer: null }).success).toBe(true);
    const noSku = { ...order, line_items: [{ ...order.line_items[0]!, sku: null, variant_id: null }] };
    expect(shopifyOrderSchema.safeParse(noSku).success).toBe(true);
  });

  it('lets unknown status words through, so normalize can dead-letter them with a reason', () => {
    expect(shopifyOrderSchema.safeParse({ ...order, financial_status: 'chargeback', fulfillment_status: 'on_hold' }).success).toBe(true);
  });

  it.each([
    ['id as a string', { ...order, id: '5940139491234' }, ['id']],
    ['id already rounded by JSON.parse (beyond 2^53)', { ...order, id: JSON.parse('820982911946154508') as number }, ['id']],
    ['total_price as a number', { ...order, total_price: 39.98 }, ['total_price']],
    ['currency in lower case', { ...order, currency: 'usd' }, ['currency']],
    ['missing updated_at', { ...order, updated_at: undefined }, ['updated_at']],
    ['line_items not an array', { ...order, line_items: {} }, ['line_items']],
    ['quantity as a string', { ...order, line_items: [{ ...order.line_items[0]!, quantity: '2' }] }, ['line_items', 0, 'quantity']],
    ['fractional quantity', { ...order, line_items: [{ ...order.line_items[0]!, quantity: 1.5 }] }, ['line_items', 0, 'quantity']],
    ['line price as a number', { ...order, line_items: [{ ...order.line_items[0]!, price: 19.99 }] }, ['line_items', 0, 'price']],
    ['province_code as a number', { ...order, shipping_address: { ...order.shipping_address, province_code: 42 } }, ['shipping_address', 'province_code']],
    ['tags as an array', { ...order, tags: ['presale'] }, ['tags']],
  ])('rejects %s, naming the path', (_case, input, path) => {
    expect(firstIssue(input).path).toEqual(path);
  });

  it('rejects something that is not an order at all', () => {
    expect(shopifyOrderSchema.safeParse(null).success).toBe(false);
    expect(shopifyOrderSchema.safeParse([order]).success).toBe(false);
  });
});
