import { describe, expect, it } from 'vitest';
import { makeMeituanOrder, meituanPush, SIM_PII, toInboundPush, withStatus } from '../../simulators/meituan/index.js';
import type { ShopConfig } from '../contract.js';
import { eventIdOf, orderKeyOf } from '../contract.js';
import { meituan } from './index.js';
import type { MeituanOrder } from './payload.js';

const SECRET = 'mt-secret';
const PUSH_URL = 'https://hub.example.com/webhooks/meituan/store-77';
const shop: ShopConfig = {
  channel: 'meituan',
  shopId: 'store-77',
  brand: 'Omni Noodles',
  secret: SECRET,
  credentials: { appId: '4600', pushUrl: PUSH_URL },
};
// 2025-11-11 00:00:05 China time = 2025-11-10T16:00:05Z
const CREATED = new Date('2025-11-11T00:00:05+08:00');
const CONFIRMED = new Date('2025-11-11T00:01:40+08:00');

const order = withStatus(
  makeMeituanOrder({
    orderId: '27061900338318741', // > 2^53: must survive exactly
    wmOrderIdView: '27061900338318741',
    appPoiCode: 'store-77',
    createdAt: CREATED,
    shippingFee: '3.5',
    presale: true,
    region: { province: '上海市', city: '上海市' },
    lines: [
      { sku_id: 'NOODLE-BEEF-L', app_food_code: 'NOODLE-BEEF', quantity: 2, price: '25.5', boxNum: 2, boxPrice: '1' },
      { app_food_code: 'TEA-ICED', quantity: 1, price: '0.1' },
    ],
  }),
  '4',
  CONFIRMED,
);

/** The whole push path, as the gateway runs it: verify → decode → payloadSchema → normalize. */
function ingest(o: MeituanOrder, receivedAt = CONFIRMED.getTime() + 2_000) {
  const push = toInboundPush(meituanPush(o, { appId: '4600', secret: SECRET, pushUrl: PUSH_URL, timestamp: Math.floor(receivedAt / 1000) - 1 }), receivedAt);
  expect(meituan.verify(push, shop)).toEqual({ ok: true, value: undefined });
  const json = meituan.decode!(push, shop);
  if (!json.ok) throw new Error(json.reason);
  const parsed = meituan.payloadSchema.safeParse(JSON.parse(json.value));
  if (!parsed.success) throw new Error(parsed.error.message);
  return meituan.normalize(parsed.data, shop, push);
}

describe('Meituan normalize', () => {
  it('turns a confirmed-order push into a canonical event, field by field', () => {
    const [result] = ingest(order);
    const orderKey = orderKeyOf('meituan', 'store-77', '27061900338318741');
    const occurredAt = Date.parse('2025-11-10T16:01:40Z');
    expect(result).toEqual({
      ok: true,
      value: {
        eventId: eventIdOf(orderKey, 'ALLOCATED', occurredAt),
        orderKey: 'meituan:store-77:27061900338318741',
        channel: 'meituan',
        shopId: 'store-77',
        brand: 'Omni Noodles',
        channelOrderId: '27061900338318741',
        status: 'ALLOCATED',
        channelStatus: '4',
        occurredAt,
        receivedAt: CONFIRMED.getTime() + 2_000,
        currency: 'CNY',
        // 2 × 25.50 + 2 boxes × 1.00 + 1 × 0.10 + 3.50 delivery = 56.60
        totalMinor: 5660,
        lines: [
          { sku: 'NOODLE-BEEF-L', quantity: 2, unitPriceMinor: 2550, itemId: 'NOODLE-BEEF', skuId: 'NOODLE-BEEF-L' },
          { sku: 'TEA-ICED', quantity: 1, unitPriceMinor: 10, itemId: 'TEA-ICED', skuId: 'TEA-ICED' },
        ],
        buyerCountry: 'CN',
        buyerProvince: '上海市',
        buyerCity: '上海市',
        presale: true,
      },
    });
  });

  it('lets no recipient data through', () => {
    const text = JSON.stringify(ingest(order));
    for (const value of Object.values(SIM_PII)) expect(text).not.toContain(value);
    for (const fragment of ['13800000000', '模拟大道', '蔺测试', '4321']) expect(text).not.toContain(fragment);
  });

  it('has no region without recipient_address_detail (the free-text address is never parsed)', () => {
    const plain = { ...order };
    delete plain.recipient_address_detail;
    expect(ingest(plain)[0]).toMatchObject({ ok: true, value: { buyerCountry: 'CN', buyerProvince: null, buyerCity: null } });
  });

  it('gives the same eventId for the same order version, whatever the delivery time', () => {
    const first = ingest(order, CONFIRMED.getTime() + 1_000)[0]!;
    const again = ingest(order, CONFIRMED.getTime() + 90_000)[0]!;
    expect(first.ok && again.ok && first.value.eventId === again.value.eventId).toBe(true);
  });

  it.each<[string, Partial<MeituanOrder>, RegExp]>([
    ['a negative total', { total: '-1' }, /^total: malformed money amount "-1"$/],
    ['a total with sub-fen digits', { total: '56.605' }, /more than 2 decimal places/],
    ['an exponent total', { total: '5.66e1' }, /malformed money amount/],
    ['a millisecond utime', { utime: '1762790500000' }, /^utime is not epoch seconds/],
    ['a utime before 2000', { utime: '99' }, /^utime is out of range/],
    ['a textual utime', { utime: '2025-11-11 00:01:40' }, /^utime is not epoch seconds/],
    ['detail that is not JSON', { detail: '[{' }, /^detail is not JSON/],
    ['a zero quantity', { detail: '[{"sku_id":"A","quantity":0,"price":1}]' }, /quantity is not a positive integer/],
    ['a fractional quantity', { detail: '[{"sku_id":"A","quantity":1.5,"price":1}]' }, /^detail\[0.quantity\]/],
    ['a line without any code', { detail: '[{"sku_id":"","app_food_code":"","quantity":1,"price":1}]' }, /neither sku_id nor app_food_code/],
    ['an empty detail', { detail: '[]' }, /no items/],
    ['a bad presale flag', { is_pre_sale_order: 'yes' }, /is_pre_sale_order/],
  ])('dead-letters %s with a reason', (_label, patch, reason) => {
    const [result] = ingest({ ...order, ...patch } as MeituanOrder);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('reads prices written as exact JSON numbers without float error', () => {
    const [result] = ingest({ ...order, detail: '[{"sku_id":"A","quantity":3,"price":19.99},{"sku_id":"B","quantity":1,"price":0.07}]' });
    expect(result).toMatchObject({
      ok: true,
      value: {
        lines: [
          { sku: 'A', quantity: 3, unitPriceMinor: 1999, itemId: null, skuId: 'A' },
          { sku: 'B', quantity: 1, unitPriceMinor: 7, itemId: null, skuId: 'B' },
        ],
      },
    });
  });

  it("carries app_food_code and sku_id as the line's itemId and skuId (the SPU code again when there is no SKU code)", () => {
    const [result] = ingest({
      ...order,
      detail: '[{"app_food_code":"SPU-1","sku_id":"SKU-1","quantity":1,"price":1},{"app_food_code":"SPU-2","sku_id":"","quantity":1,"price":1}]',
    });
    expect(result).toMatchObject({
      ok: true,
      value: {
        lines: [
          { itemId: 'SPU-1', skuId: 'SKU-1' },
          { itemId: 'SPU-2', skuId: 'SPU-2' },
        ],
      },
    });
  });

  it('acknowledges with {"data":"ok"}', () => {
    expect(meituan.ackBody!()).toEqual({ data: 'ok' });
  });
});
