import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeShopifyOrder, SIM_PII, withStatus } from '../../simulators/shopify/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { normalizeShopifyOrder } from './normalize.js';
import { type ShopifyOrder, shopifyOrderSchema } from './payload.js';

const shop: ShopConfig = { channel: 'shopify', shopId: 'omni-test', brand: 'Omni Apparel', secret: 'not-used-here' };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_741_000_000_123 };

const created = makeShopifyOrder({
  id: 5940139491234,
  number: 1042,
  lines: [
    { sku: 'TEE-RED-M', quantity: 2, price: '19.99', title: 'Red tee (M)' },
    { sku: '', variantId: 44012345678901, quantity: 1, price: '0.10', title: 'Sticker' },
    { sku: 'HOODIE-GRY-L', quantity: 1, price: '100', title: 'Grey hoodie (L)' },
  ],
  province: { name: 'Kentucky', code: 'KY' },
  city: 'Louisville',
  createdAt: new Date('2025-03-01T15:04:05Z'),
  shipping: '5.00',
  tags: ['VIP', 'presale'],
});
const paid = withStatus(created, 'paid', null, new Date('2025-03-01T15:06:30Z'));

function normalized(order: ShopifyOrder) {
  const result = normalizeShopifyOrder(order, shop, push);
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('normalizeShopifyOrder', () => {
  it('maps a realistic paid order field by field', () => {
    const orderKey = 'shopify:omni-test:5940139491234';
    const occurredAt = Date.parse('2025-03-01T15:06:30Z');
    expect(paid.updated_at).toBe('2025-03-01T10:06:30-05:00'); // shop-local, as Shopify sends it
    expect(normalized(paid)).toEqual({
      eventId: eventIdOf(orderKey, 'PAID', occurredAt),
      orderKey,
      channel: 'shopify',
      shopId: 'omni-test',
      brand: 'Omni Apparel',
      channelOrderId: '5940139491234',
      status: 'PAID',
      channelStatus: 'paid/unfulfilled',
      occurredAt,
      receivedAt: 1_741_000_000_123,
      currency: 'USD',
      totalMinor: 2 * 1999 + 10 + 10000 + 500,
      lines: [
        { sku: 'TEE-RED-M', quantity: 2, unitPriceMinor: 1999, itemId: '7000000000000', skuId: '40000049123400' },
        { sku: 'variant-44012345678901', quantity: 1, unitPriceMinor: 10, itemId: '7000000000001', skuId: '44012345678901' },
        { sku: 'HOODIE-GRY-L', quantity: 1, unitPriceMinor: 10000, itemId: '7000000000002', skuId: '40000049123402' },
      ],
      buyerCountry: 'US',
      buyerProvince: 'KY',
      buyerCity: 'Louisville',
      presale: true,
    });
  });

  it("maps an order shaped like Shopify's REST reference example (#1001, id 450789469)", () => {
    // Hand-written after the example order in Shopify's REST Admin API Order reference, not the simulator.
    const docsExample = shopifyOrderSchema.parse({
      id: 450789469,
      admin_graphql_api_id: 'gid://shopify/Order/450789469',
      email: 'bob.norman@mail.example.com',
      name: '#1001',
      created_at: '2008-01-10T11:00:00-05:00',
      updated_at: '2008-01-10T11:00:00-05:00',
      cancelled_at: null,
      closed_at: null,
      currency: 'USD',
      total_price: '598.94',
      subtotal_price: '597.00',
      total_tax: '11.94',
      financial_status: 'partially_refunded',
      fulfillment_status: null,
      tags: '',
      line_items: [
        { id: 466157049, variant_id: 39072856, sku: 'IPOD2008GREEN', quantity: 1, price: '199.00', title: 'IPod Nano - 8gb' },
        { id: 518995019, variant_id: 49148385, sku: 'IPOD2008RED', quantity: 1, price: '199.00', title: 'IPod Nano - 8gb' },
        { id: 703073504, variant_id: 457924702, sku: 'IPOD2008BLACK', quantity: 1, price: '199.00', title: 'IPod Nano - 8gb' },
      ],
      shipping_address: {
        first_name: 'Bob',
        last_name: 'Norman',
        address1: 'Chestnut Street 92',
        phone: '+1(502)-459-2181',
        city: 'Louisville',
        zip: '40202',
        province: 'Kentucky',
        country: 'United States',
        province_code: 'KY',
        country_code: 'US',
      },
      customer: { id: 207119551, email: 'bob.norman@mail.example.com', first_name: 'Bob', last_name: 'Norman', phone: null },
    });
    const event = normalized(docsExample);
    expect(event).toMatchObject({
      channelOrderId: '450789469',
      status: 'REFUNDING',
      channelStatus: 'partially_refunded/unfulfilled',
      occurredAt: Date.parse('2008-01-10T16:00:00Z'),
      totalMinor: 59894,
      lines: [
        { sku: 'IPOD2008GREEN', quantity: 1, unitPriceMinor: 19900 },
        { sku: 'IPOD2008RED', quantity: 1, unitPriceMinor: 19900 },
        { sku: 'IPOD2008BLACK', quantity: 1, unitPriceMinor: 19900 },
      ],
      buyerProvince: 'KY',
      buyerCity: 'Louisville',
      presale: false,
    });
    const json = JSON.stringify(event);
    for (const pii of ['Bob', 'Norman', 'Chestnut', '459-2181', 'bob.norman', '40202']) expect(json).not.toContain(pii);
  });

  it('names the listing sold: product_id and variant_id as strings, null for a custom line item', () => {
    const order = makeShopifyOrder({
      id: 5940139490001,
      lines: [
        { sku: 'MUG', productId: 8123456789012, variantId: 45123456789012, quantity: 1, price: '5.00' },
        { sku: 'GIFT-WRAP', variantId: null, quantity: 1, price: '1.00' },
      ],
      createdAt: new Date(0),
    });
    expect(normalized(order).lines).toMatchObject([
      { sku: 'MUG', itemId: '8123456789012', skuId: '45123456789012' },
      { sku: 'GIFT-WRAP', itemId: null, skuId: null },
    ]);
  });

  it('gives the same eventId to the same order version, however often it arrives', () => {
    const again = normalizeShopifyOrder(structuredClone(paid), shop, { ...push, receivedAt: push.receivedAt + 60_000 });
    expect(again.ok && again.value.eventId).toBe(normalized(paid).eventId);
    const shipped = withStatus(paid, 'paid', 'fulfilled', new Date('2025-03-03T08:00:00Z'));
    expect(normalized(shipped).eventId).not.toBe(normalized(paid).eventId);
  });

  it('reads the same instant from any UTC offset', () => {
    const utc = { ...paid, updated_at: '2025-03-01T15:06:30Z' };
    const tokyo = { ...paid, updated_at: '2025-03-02T00:06:30+09:00' };
    expect(normalized(utc).occurredAt).toBe(normalized(paid).occurredAt);
    expect(normalized(tokyo).eventId).toBe(normalized(paid).eventId);
  });

  it.each(['', 'yesterday', 'March 1, 2025', '2025-03-01T15:06:30', '2025-03-01', '2025-13-01T00:00:00Z'])('fails when updated_at is %j', (updatedAt) => {
    expect(normalizeShopifyOrder({ ...paid, updated_at: updatedAt }, shop, push)).toEqual({
      ok: false,
      reason: `updated_at is not an ISO-8601 timestamp with offset: "${updatedAt}"`,
    });
  });

  it.each(['1,99', 'abc', '-5.00', '12.345'])('fails on malformed total_price %j', (total) => {
    const result = normalizeShopifyOrder({ ...paid, total_price: total }, shop, push);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^total_price: /);
  });

  it('fails on a malformed line price, naming the line', () => {
    const order = { ...paid, line_items: paid.line_items.map((l, i) => (i === 1 ? { ...l, price: '0,10' } : l)) };
    expect(normalizeShopifyOrder(order, shop, push)).toEqual({
      ok: false,
      reason: 'line_items[1].price: malformed money amount "0,10"',
    });
  });

  it('falls back to the variant id for a blank sku, and fails a line with neither', () => {
    const blank = { ...paid, line_items: paid.line_items.map((l) => ({ ...l, sku: '   ', variant_id: 123 })) };
    expect(normalized(blank).lines.map((l) => l.sku)).toEqual(['variant-123', 'variant-123', 'variant-123']);

    const custom = { ...paid, line_items: [{ ...paid.line_items[0]!, id: 991, sku: null, variant_id: null }] };
    expect(normalizeShopifyOrder(custom, shop, push)).toEqual({
      ok: false,
      reason: 'line_items[0] (id 991) has neither sku nor variant_id',
    });
  });

  it('uses zero-decimal currencies as they are (yen are already minor units)', () => {
    const yen = makeShopifyOrder({ id: 6001, currency: 'JPY', lines: [{ sku: 'MUG', quantity: 3, price: '1500' }], createdAt: new Date(0) });
    expect(yen.total_price).toBe('4500');
    expect(normalized(yen)).toMatchObject({ currency: 'JPY', totalMinor: 4500, lines: [{ unitPriceMinor: 1500 }] });
  });

  describe('buyer region', () => {
    it('falls back to the province name when there is no code', () => {
      const order = makeShopifyOrder({
        id: 7,
        lines: [{ sku: 'A', quantity: 1, price: '1.00' }],
        province: { name: 'Dublin', code: null },
        city: 'Dublin',
        createdAt: new Date(0),
      });
      expect(normalized(order)).toMatchObject({ buyerProvince: 'Dublin', buyerCity: 'Dublin' });
    });

    it('is null when there is no shipping address, or it is blank', () => {
      const digital = makeShopifyOrder({ id: 8, lines: [{ sku: 'EBOOK', quantity: 1, price: '9.00' }], province: null, createdAt: new Date(0) });
      expect(normalized(digital)).toMatchObject({ buyerProvince: null, buyerCity: null });
      const { shipping_address: _gone, ...absent } = digital;
      expect(normalized(absent as ShopifyOrder)).toMatchObject({ buyerProvince: null, buyerCity: null });
      const blank = { ...paid, shipping_address: { ...paid.shipping_address, province_code: '', province: ' ', city: '' } };
      expect(normalized(blank)).toMatchObject({ buyerProvince: null, buyerCity: null });
    });
  });

  describe('presale (seller convention: tag "presale")', () => {
    it.each([
      ['presale', true],
      ['VIP, Presale', true],
      [' PRESALE ,gift', true],
      ['', false],
      ['no-presale, presales', false],
      [undefined, false],
    ])('tags %j → %s', (tags, expected) => {
      expect(normalized({ ...paid, tags }).presale).toBe(expected);
    });
  });
});

describe('personal data never leaves the connector', () => {
  it("drops the simulator's names, phone, street, zip, email and IP", () => {
    const json = JSON.stringify(normalized(paid));
    for (const value of Object.values(SIM_PII)) expect(json).not.toContain(value);
    expect(json).not.toContain('Evergreen');
  });

  it('drops any personal data Shopify might put in any of its fields', () => {
    const piiText = fc.string({ minLength: 6, maxLength: 20 }).map((s) => `PII\u2063${s}`);
    fc.assert(
      fc.property(piiText, piiText, piiText, piiText, piiText, (first, last, phone, street, email) => {
        const address = {
          ...paid.shipping_address,
          first_name: first,
          last_name: last,
          phone,
          address1: street,
          address2: street,
          zip: street,
          name: `${first} ${last}`,
        };
        const order: ShopifyOrder = {
          ...paid,
          email,
          phone,
          contact_email: email,
          note: street,
          browser_ip: phone,
          shipping_address: address,
          billing_address: address,
          customer: { id: 1, email, phone, first_name: first, last_name: last, default_address: address },
        };
        expect(JSON.stringify(normalized(order))).not.toContain('PII\u2063');
      }),
      { numRuns: 200 },
    );
  });
});
