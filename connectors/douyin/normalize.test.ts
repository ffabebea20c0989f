import { describe, expect, it } from 'vitest';
import { douyinOrderMessage, douyinPush, makeDouyinOrder, SIM_PII, toInboundPush, withBareIds, withDouyinStatus } from '../../simulators/douyin/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { douyin } from './index.js';
import { normalizeDouyinOrder, normalizeDouyinPush } from './normalize.js';
import { douyinPayloadSchema, douyinShopOrderSchema, quoteIdFields } from './payload.js';

const shop: ShopConfig = {
  channel: 'douyin',
  shopId: 'dy-flagship',
  brand: 'Omni Apparel',
  secret: 'sim-app-secret-0d2c',
  credentials: { appKey: '7012345678901234567', douyinShopId: '77001234' },
};
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_762_790_500_123 };

// 19-digit ids: above 2^53, as Douyin's are.
const created = makeDouyinOrder({
  orderId: '6920123456789012345',
  skus: [
    { skuId: '1789012345678901234', outSkuId: 'TEE-RED-M', quantity: 2, priceFen: 1999 },
    { skuId: '1789012345678901299', quantity: 1, priceFen: 10, preSaleType: 1 },
  ],
  postFen: 500,
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
  province: '广东省',
  city: '深圳市',
});
const paid = withDouyinStatus(created, 2, new Date('2025-11-11T00:01:30+08:00'));

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('normalizeDouyinOrder (query API order)', () => {
  it('maps a realistic paid order field by field', () => {
    const orderKey = 'douyin:dy-flagship:6920123456789012345';
    const occurredAt = Date.parse('2025-11-10T16:01:30Z'); // 00:01:30 China time
    expect(ok(normalizeDouyinOrder(paid, shop, push))).toEqual({
      eventId: eventIdOf(orderKey, 'PAID', occurredAt),
      orderKey,
      channel: 'douyin',
      shopId: 'dy-flagship',
      brand: 'Omni Apparel',
      channelOrderId: '6920123456789012345',
      status: 'PAID',
      channelStatus: '2',
      occurredAt,
      receivedAt: 1_762_790_500_123,
      currency: 'CNY',
      totalMinor: 2 * 1999 + 10 + 500,
      lines: [
        { sku: 'TEE-RED-M', quantity: 2, unitPriceMinor: 1999, itemId: '3789012345678901234', skuId: '1789012345678901234' },
        { sku: 'sku-1789012345678901299', quantity: 1, unitPriceMinor: 10, itemId: '3789012345678901299', skuId: '1789012345678901299' },
      ],
      buyerCountry: 'CN',
      buyerProvince: '广东省',
      buyerCity: '深圳市',
      presale: true,
    });
  });

  it('carries product_id and sku_id exactly from bare int64 JSON, and a null itemId without product_id', () => {
    const text = withBareIds(paid, ['sku_id', 'product_id', 'shop_id']);
    const parsed = douyinShopOrderSchema.parse(JSON.parse(quoteIdFields(text, ['sku_id', 'product_id', 'shop_id'])));
    expect(ok(normalizeDouyinOrder(parsed, shop, push)).lines[0]).toMatchObject({ itemId: '3789012345678901234', skuId: '1789012345678901234' });
    const { product_id: _p, ...noProduct } = paid.sku_order_list[0]!;
    expect(ok(normalizeDouyinOrder({ ...paid, sku_order_list: [noProduct] }, shop, push)).lines[0]).toMatchObject({ itemId: null });
  });

  it('never lets receiver data through', () => {
    const json = JSON.stringify([normalizeDouyinOrder(paid, shop, push), ...douyin.normalize([douyinOrderMessage('102', paid)], shop, push)]);
    expect(JSON.stringify(paid)).toContain(SIM_PII.phone); // the input really carries it
    for (const pii of Object.values(SIM_PII)) expect(json).not.toContain(pii);
    expect(json).not.toContain('西湖区');
  });

  it('presale only when a sku, the trade type or deposit phases say so', () => {
    const spot = makeDouyinOrder({ orderId: '6920000000000000201', skus: [{ skuId: '1', quantity: 1, priceFen: 1 }], createdAt: new Date() });
    expect(ok(normalizeDouyinOrder(spot, shop, push)).presale).toBe(false);
    expect(ok(normalizeDouyinOrder({ ...spot, order_phase_list: [{ phase_order_id: 'x' }] }, shop, push)).presale).toBe(true);
    expect(ok(normalizeDouyinOrder({ ...spot, sku_order_list: spot.sku_order_list.map((s) => ({ ...s, trade_type: 2 })) }, shop, push)).presale).toBe(true);
  });

  it('falls back to the masked address for the region, and to null', () => {
    const masked = { ...paid, post_addr: null };
    expect(ok(normalizeDouyinOrder(masked, shop, push))).toMatchObject({ buyerProvince: '广东省', buyerCity: '深圳市' });
    expect(ok(normalizeDouyinOrder({ ...paid, post_addr: null, mask_post_addr: null }, shop, push))).toMatchObject({
      buyerProvince: null,
      buyerCity: null,
      buyerCountry: 'CN',
    });
  });

  it('refuses malformed money, time and quantity with a reason', () => {
    expect(normalizeDouyinOrder({ ...paid, pay_amount: 12.5 }, shop, push)).toEqual({ ok: false, reason: 'pay_amount is not an amount in fen: 12.5' });
    expect(normalizeDouyinOrder({ ...paid, update_time: 0 }, shop, push)).toEqual({ ok: false, reason: 'update_time is not epoch seconds: 0' });
    expect(normalizeDouyinOrder({ ...paid, update_time: 1_762_790_490_000 }, shop, push).ok).toBe(false); // milliseconds by mistake
    const badQty = { ...paid, sku_order_list: [{ ...paid.sku_order_list[0]!, item_num: 0 }] };
    expect(normalizeDouyinOrder(badQty, shop, push)).toEqual({ ok: false, reason: 'sku_order_list[0].item_num is not a positive integer: 0' });
  });

  it('refuses an order of another Douyin shop when douyinShopId is configured', () => {
    expect(normalizeDouyinOrder({ ...paid, shop_id: '99999999' }, shop, push)).toEqual({
      ok: false,
      reason: 'Douyin shop_id 99999999 is not this shop (77001234)',
    });
  });

  it('the same order version always gets the same eventId', () => {
    const again = ok(normalizeDouyinOrder(structuredClone(paid), shop, { ...push, receivedAt: push.receivedAt + 9_000 }));
    expect(again.eventId).toBe(ok(normalizeDouyinOrder(paid, shop, push)).eventId);
  });
});

describe('normalizeDouyinPush (message batch)', () => {
  const shipped = withDouyinStatus(paid, 3, new Date('2025-11-12T09:00:00+08:00'));
  const cancelled = withDouyinStatus(created, 4, new Date('2025-11-11T00:20:00+08:00'));
  const batch = [
    douyinOrderMessage('100', created, new Date('2025-11-11T00:00:05+08:00')),
    douyinOrderMessage('101', paid, new Date('2025-11-11T00:01:30+08:00')),
    douyinOrderMessage('102', shipped),
    douyinOrderMessage('106', cancelled),
  ];

  it('keeps 19-digit ids exact although data has them as bare JSON numbers', () => {
    expect(batch[0]!.data).toContain('"p_id":6920123456789012345');
    expect(String(JSON.parse(batch[0]!.data).p_id)).not.toBe('6920123456789012345'); // JSON.parse alone rounds it
    const [first] = normalizeDouyinPush(batch, shop, push);
    expect(first).toMatchObject({ ok: true, value: { channelOrderId: '6920123456789012345' } });
  });

  it("turns each order message into a status event, with the tag's own time", () => {
    const events = normalizeDouyinPush(batch, shop, push).map(ok);
    expect(events.map((e) => [e.status, e.channelStatus, e.occurredAt])).toEqual([
      ['CREATED', '1', Date.parse('2025-11-10T16:00:05Z')],
      ['PAID', '2', Date.parse('2025-11-10T16:01:30Z')],
      ['SHIPPED', '3', Date.parse('2025-11-12T01:00:00Z')],
      ['CANCELLED', '4', Date.parse('2025-11-10T16:20:00Z')],
    ]);
    // What a message cannot carry: lines, region, presale. The paid message has pay_amount.
    expect(events[1]).toMatchObject({ totalMinor: 4508, lines: [], buyerProvince: null, buyerCity: null, buyerCountry: 'CN', presale: false, currency: 'CNY' });
    expect(events[0]).toMatchObject({ totalMinor: 0, lines: [] });
  });

  it('reports non-order tags, tag 110 (no time) and bad data each on its own', () => {
    const refund = { tag: '200', msg_id: '7001', data: '{"aftersale_id":7123456789012345678,"p_id":6920123456789012345}' };
    const pending = { tag: '110', msg_id: '7002', data: '{"p_id":6920123456789012345,"order_status":105,"shop_id":77001234}' };
    const broken = { tag: '101', msg_id: '7003', data: '{"p_id":' };
    const noTime = { tag: '101', msg_id: '7004', data: '{"p_id":6920123456789012345,"order_status":2,"shop_id":77001234}' };
    const results = normalizeDouyinPush([refund, pending, broken, noTime, batch[0]!], shop, push);
    expect(results.slice(0, 4)).toEqual([
      { ok: false, reason: 'msg_id 7001 (tag 200): Douyin tag 200 is not an order status message' },
      { ok: false, reason: 'msg_id 7002 (tag 110): Douyin tag 110 carries no change time; the tag 101 message and pull() report this order' },
      expect.objectContaining({ ok: false, reason: expect.stringMatching(/^msg_id 7003 \(tag 101\): data is not JSON/) }),
      { ok: false, reason: 'msg_id 7004 (tag 101): pay_time is missing' },
    ]);
    expect(results[4]!.ok).toBe(true);
  });

  it('end to end through the connector: verify, schema, normalize', () => {
    const delivery = toInboundPush(douyinPush(batch, '7012345678901234567', shop.secret), push.receivedAt);
    expect(douyin.verify(delivery, shop)).toEqual({ ok: true, value: undefined });
    const parsed = douyin.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
    expect(douyin.normalize(parsed, shop, delivery).every((r) => r.ok)).toBe(true);
    expect(douyin.ackBody?.()).toEqual({ code: 0, msg: 'success' });
    expect(douyin.transport).toBe('webhook');
  });
});

describe('payload schema', () => {
  it.each([
    ['an empty batch', []],
    ['data as an object', [{ tag: '100', msg_id: '1', data: { p_id: 1 } }]],
    ['a numeric tag', [{ tag: 100, msg_id: '1', data: '{}' }]],
    ['an order with a numeric order_id', { ...paid, order_id: 6920123456789012 }],
    ['an order with yuan strings', { ...paid, pay_amount: '45.08' }],
    ['an order id that JSON.parse rounded', { ...paid, shop_id: JSON.parse('6920123456789012345') as number }],
    ['a line without item_num', { ...paid, sku_order_list: [{ ...paid.sku_order_list[0]!, item_num: undefined }] }],
  ])('rejects %s', (_name, value) => {
    expect(douyinPayloadSchema.safeParse(value).success).toBe(false);
  });

  it('accepts unknown fields', () => {
    expect(douyinShopOrderSchema.safeParse({ ...paid, brand_new_field: { x: 1 } }).success).toBe(true);
  });

  it('quoteIdFields touches only integer values of the listed keys', () => {
    expect(quoteIdFields('{"sku_id":1789012345678901234,"x_sku_id":5,"sku_id2":1,"n":{"sku_id":"7"},"s_ids":[1, 22]}', ['sku_id', 's_ids'])).toBe(
      '{"sku_id":"1789012345678901234","x_sku_id":5,"sku_id2":1,"n":{"sku_id":"7"},"s_ids":["1","22"]}',
    );
  });
});
