import { describe, expect, it } from 'vitest';
import { makeWechatOrder, wechatEventJson } from '../../simulators/wechat/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { normalizeWechatEvent, normalizeWechatOrder } from './normalize.js';
import { wechatEventSchema } from './payload.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'wechat', shopId: 'wx-1', brand: 'Omni', secret: 'unused' };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };
const T = 1_658_505_600;

const order = (status: number, onAftersale = 0) =>
  makeWechatOrder({
    orderId: '3704612354559743232',
    status,
    createTime: T,
    onAftersale,
    lines: [{ skuId: '2', count: 1, salePrice: 100 }],
  });

const ORDER_STATUS_CASES: Array<[status: number, aftersale: number, key: string, expected: OrderStatus]> = [
  [10, 0, '10', 'CREATED'], // 待付款
  [12, 0, '12', 'CREATED'], // 礼物待收下
  [13, 0, '13', 'CREATED'], // 凑单买凑团中
  [20, 0, '20', 'PAID'], // 待发货
  [21, 0, '21', 'PAID'], // 部分发货
  [30, 0, '30', 'SHIPPED'], // 待收货
  [100, 0, '100', 'COMPLETED'], // 完成
  [190, 0, '190', 'CANCELLED'], // 商品超卖商家取消订单
  [200, 0, '200', 'REFUNDED'], // 全部商品售后之后，订单取消
  [250, 0, '250', 'CANCELLED'], // 未付款用户主动取消或超时未付款订单自动取消
  [20, 1, '20/aftersale', 'REFUNDING'],
  [21, 2, '21/aftersale', 'REFUNDING'],
  [30, 1, '30/aftersale', 'REFUNDING'],
  [100, 1, '100/aftersale', 'REFUNDING'],
];

const EVENT_CASES: Array<[event: string, info: Record<string, number>, key: string, expected: OrderStatus]> = [
  ['channels_ec_order_new', {}, 'channels_ec_order_new', 'CREATED'],
  ['channels_ec_order_pay', { pay_time: T }, 'channels_ec_order_pay', 'PAID'],
  ['channels_ec_order_wait_shipping', {}, 'channels_ec_order_wait_shipping', 'PAID'],
  ['channels_ec_order_deliver', { finish_delivery: 0 }, 'channels_ec_order_deliver/finish_delivery=0', 'PAID'],
  ['channels_ec_order_deliver', { finish_delivery: 1 }, 'channels_ec_order_deliver/finish_delivery=1', 'SHIPPED'],
  ['channels_ec_order_cancel', { cancel_type: 1 }, 'channels_ec_order_cancel', 'CANCELLED'],
  ['channels_ec_order_confirm', { confirm_type: 1 }, 'channels_ec_order_confirm', 'COMPLETED'],
  ['channels_ec_order_settle', { settle_time: T }, 'channels_ec_order_settle', 'COMPLETED'],
];

const eventOf = (event: string, info: Record<string, number>) =>
  wechatEventSchema.parse(
    JSON.parse(wechatEventJson({ event, orderId: '3705115058471208928', createTime: T, info }).replace(/"order_id":(\d+)/, '"order_id":"$1"')),
  );

describe('WeChat statusMap', () => {
  it('holds exactly the documented keys, frozen, canonical values only', () => {
    expect(Object.keys(statusMap).sort()).toEqual([...ORDER_STATUS_CASES.map(([, , k]) => k), ...EVENT_CASES.map(([, , k]) => k)].sort());
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const value of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(value);
  });

  it.each(ORDER_STATUS_CASES)('order status %i (after-sales in progress: %i) → %s → %s', (status, aftersale, key, expected) => {
    expect(normalizeWechatOrder(order(status, aftersale), shop, push)).toMatchObject({ ok: true, value: { status: expected, channelStatus: key } });
  });

  it.each(EVENT_CASES)('push %s %j → %s → %s', (event, info, key, expected) => {
    expect(normalizeWechatEvent(eventOf(event, info), shop, push)).toMatchObject([{ ok: true, value: { status: expected, channelStatus: key } }]);
  });

  it.each([
    [0, '0'],
    [11, '11'],
    [40, '40'],
    [10, '10/aftersale'],
  ])('dead-letters order status %s with a reason', (status, key) => {
    const o = key.endsWith('/aftersale') ? order(status as number, 1) : order(status as number);
    expect(normalizeWechatOrder(o, shop, push)).toEqual({ ok: false, reason: `unknown WeChat status "${key}"` });
  });

  it('dead-letters a deliver event without a valid finish_delivery, and unknown events', () => {
    expect(normalizeWechatEvent(eventOf('channels_ec_order_deliver', {}), shop, push)).toEqual([
      { ok: false, reason: 'unknown WeChat status "channels_ec_order_deliver/finish_delivery=missing"' },
    ]);
    expect(normalizeWechatEvent(eventOf('channels_ec_order_deliver', { finish_delivery: 2 }), shop, push)).toEqual([
      { ok: false, reason: 'unknown WeChat status "channels_ec_order_deliver/finish_delivery=2"' },
    ]);
    expect(normalizeWechatEvent(eventOf('channels_ec_order_teleported', {}), shop, push)).toEqual([
      { ok: false, reason: 'unknown WeChat event "channels_ec_order_teleported"' },
    ]);
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'toString']) expect(lookupStatus(key)).toBeUndefined();
  });
});
