import { describe, expect, it } from 'vitest';
import { makePddOrder, SIM_PII, withPddStatus } from '../../simulators/pinduoduo/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { yuanToFen } from './money.js';
import { normalizePddOrder } from './normalize.js';
import { pddOrderSchema } from './payload.js';

const shop: ShopConfig = { channel: 'pinduoduo', shopId: 'pdd-omni', brand: 'Omni', secret: 'client-secret-1' };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_762_800_000_000 };
const order = makePddOrder({
  orderSn: '251111-042345678901234',
  items: [
    { outerId: 'TEE-RED-M', skuId: 1234567, count: 2, price: '19.90' },
    { outerId: '', skuId: 7654321, count: 1, price: '0.10' },
  ],
  createdAt: new Date('2025-11-10T16:00:05Z'),
  province: '四川省',
  city: '成都市',
  postage: '6.00',
});
const shipped = withPddStatus(order, { order_status: 2 }, new Date('2025-11-11T02:30:00Z'));
const parse = (o: unknown) => pddOrderSchema.parse(JSON.parse(JSON.stringify(o)));

describe('normalizePddOrder', () => {
  it('builds every canonical field from a realistic order', () => {
    const result = normalizePddOrder(parse(shipped), shop, push);
    const occurredAt = Date.parse('2025-11-11T02:30:00Z');
    const orderKey = 'pinduoduo:pdd-omni:251111-042345678901234';
    expect(result).toEqual({
      ok: true,
      value: {
        eventId: eventIdOf(orderKey, 'SHIPPED', occurredAt),
        orderKey,
        channel: 'pinduoduo',
        shopId: 'pdd-omni',
        brand: 'Omni',
        channelOrderId: '251111-042345678901234',
        status: 'SHIPPED',
        channelStatus: '2/1/1',
        occurredAt,
        receivedAt: 1_762_800_000_000,
        currency: 'CNY',
        totalMinor: 3980 + 10 + 600,
        lines: [
          { sku: 'TEE-RED-M', quantity: 2, unitPriceMinor: 1990, itemId: '300000000000', skuId: '1234567' },
          { sku: '7654321', quantity: 1, unitPriceMinor: 10, itemId: '300000000001', skuId: '7654321' },
        ],
        buyerCountry: 'CN',
        buyerProvince: '四川省',
        buyerCity: '成都市',
        presale: false,
      },
    });
  });

  it('reads money given as JSON numbers and as strings to the same fen', () => {
    const asStrings = makePddOrder({
      orderSn: '251111-1',
      moneyAs: 'string',
      items: [{ outerId: 'A', count: 3, price: '33.30' }],
      createdAt: new Date('2025-11-10T16:00:05Z'),
      postage: '0.10',
    });
    const asNumbers = makePddOrder({
      orderSn: '251111-1',
      moneyAs: 'number',
      items: [{ outerId: 'A', count: 3, price: '33.30' }],
      createdAt: new Date('2025-11-10T16:00:05Z'),
      postage: '0.10',
    });
    expect(asStrings.pay_amount).toBe('100.00');
    expect(asNumbers.pay_amount).toBe(100);
    const a = normalizePddOrder(parse(asStrings), shop, push);
    const b = normalizePddOrder(parse(asNumbers), shop, push);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ok: true, value: { totalMinor: 10000, lines: [{ unitPriceMinor: 3330 }] } });
  });

  it('names the listing sold: goods_id and sku_id as exact strings, digit strings kept as they are', () => {
    const single = makePddOrder({
      orderSn: '251111-2',
      items: [{ goodsId: 412345678901, skuId: 1298765432109, count: 1, price: '1.00' }],
      createdAt: new Date(),
    });
    expect(normalizePddOrder(parse(single), shop, push)).toMatchObject({ ok: true, value: { lines: [{ itemId: '412345678901', skuId: '1298765432109' }] } });
    const item = { ...single.item_list[0]!, goods_id: '9007199254740993', sku_id: '9007199254740995' };
    expect(normalizePddOrder(parse({ ...single, item_list: [item] }), shop, push)).toMatchObject({
      ok: true,
      value: { lines: [{ itemId: '9007199254740993', skuId: '9007199254740995' }] },
    });
  });

  it('never lets receiver PII into the event', () => {
    const text = JSON.stringify(normalizePddOrder(parse(shipped), shop, push));
    expect(JSON.stringify(shipped)).toContain(SIM_PII.receiverName);
    for (const value of Object.values(SIM_PII)) expect(text).not.toContain(value);
    expect(text).not.toContain('鼓楼区');
  });

  it('flags presale and deposit orders', () => {
    const pre = makePddOrder({ orderSn: '251111-2', preSale: true, items: [{ outerId: 'A', count: 1, price: '1.00' }], createdAt: new Date() });
    expect(normalizePddOrder(parse(pre), shop, push)).toMatchObject({ ok: true, value: { presale: true } });
    const dep = makePddOrder({ orderSn: '251111-3', deposit: true, items: [{ outerId: 'A', count: 1, price: '1.00' }], createdAt: new Date() });
    expect(normalizePddOrder(parse(dep), shop, push)).toMatchObject({ ok: true, value: { presale: true, status: 'CREATED' } });
  });

  it('rejects malformed money, time and quantities with a reason', () => {
    const p = parse(shipped);
    const item = p.item_list[0]!;
    expect(normalizePddOrder({ ...p, pay_amount: 19.999 }, shop, push)).toEqual({
      ok: false,
      reason: 'pay_amount: money amount "19.999" has more than 2 decimal places',
    });
    expect(normalizePddOrder({ ...p, pay_amount: -1 }, shop, push)).toEqual({ ok: false, reason: 'pay_amount: malformed money amount -1' });
    expect(normalizePddOrder({ ...p, pay_amount: 1e21 }, shop, push)).toEqual({ ok: false, reason: 'pay_amount: malformed money amount "1e+21"' });
    expect(normalizePddOrder({ ...p, updated_at: '1762790405' }, shop, push).ok).toBe(false);
    expect(normalizePddOrder({ ...p, item_list: [{ ...item, goods_count: 0 }] }, shop, push)).toEqual({
      ok: false,
      reason: 'item_list[0].goods_count is not a positive integer: 0',
    });
    expect(normalizePddOrder({ ...p, item_list: [{ ...item, goods_count: '2' }] }, shop, push)).toMatchObject({
      ok: true,
      value: { lines: [{ quantity: 2 }] },
    });
    expect(normalizePddOrder({ ...p, item_list: [{ ...item, outer_id: null, sku_id: null, outer_goods_id: null }] }, shop, push)).toEqual({
      ok: false,
      reason: 'item_list[0] has no outer_id, sku_id or outer_goods_id',
    });
  });

  it('yuanToFen never multiplies floats', () => {
    expect(yuanToFen(0.1)).toEqual({ ok: true, value: 10 });
    expect(yuanToFen(1.15)).toEqual({ ok: true, value: 115 });
    expect(yuanToFen(4.35)).toEqual({ ok: true, value: 435 }); // 4.35 * 100 === 434.99999999999994
    expect(yuanToFen('4.35')).toEqual({ ok: true, value: 435 });
    expect(yuanToFen(Number.NaN).ok).toBe(false);
  });
});
