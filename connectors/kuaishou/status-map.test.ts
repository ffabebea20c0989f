import { describe, expect, it } from 'vitest';
import { makeKuaishouMessage, makeKuaishouOrder } from '../../simulators/kuaishou/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { normalizeKuaishouMessage, normalizeKuaishouOrder } from './normalize.js';
import { kuaishouMessageSchema } from './payload.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'kuaishou', shopId: 'ks-1', brand: 'Omni', secret: 'unused', credentials: { appKey: 'ks1' } };
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };
const T = 1_773_750_942_425;

function order(status: number, refundStatus?: number) {
  return makeKuaishouOrder({
    oid: 2607602240240301,
    status,
    skuId: 888390671925,
    num: 1,
    price: 990,
    createTime: T,
    ...(refundStatus === undefined ? {} : { refunds: [{ refundId: 10987654, refundStatus }] }),
  });
}

// Expected results written out by hand, not read back from the map.
const DOCUMENTED: Array<[status: number, refund: number | undefined, key: string, expected: OrderStatus]> = [
  [10, undefined, '10', 'CREATED'], // 待付款
  [30, undefined, '30', 'PAID'], // 已付款
  [40, undefined, '40', 'SHIPPED'], // 已发货
  [50, undefined, '50', 'DELIVERED'], // 已签收
  [70, undefined, '70', 'COMPLETED'], // 订单成功
  [80, undefined, '80', 'CANCELLED'], // 订单失败 (cancelled orders end here)
  [30, 10, '30/refunding', 'REFUNDING'], // buyer applied for a refund
  [30, 50, '30/refunding', 'REFUNDING'],
  [40, 11, '40/refunding', 'REFUNDING'], // return-and-refund applied
  [50, 22, '50/refunding', 'REFUNDING'], // platform involved
  [70, 40, '70/refunding', 'REFUNDING'],
  [30, 60, '30/refunded', 'REFUNDED'],
  [40, 60, '40/refunded', 'REFUNDED'],
  [50, 60, '50/refunded', 'REFUNDED'],
  [70, 60, '70/refunded', 'REFUNDED'],
  [80, 60, '80/refunded', 'REFUNDED'], // refunded, then the order failed
  [40, 70, '40', 'SHIPPED'], // refund failed: the order carries on
];

describe('Kuaishou statusMap', () => {
  it('holds exactly the documented keys, frozen, canonical values only', () => {
    expect(Object.keys(statusMap).sort()).toEqual([...new Set(DOCUMENTED.map(([, , key]) => key))].sort());
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const value of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(value);
  });

  it.each(DOCUMENTED)('pulled order status %i (newest refund %s) → %s → %s', (status, refund, key, expected) => {
    expect(normalizeKuaishouOrder(order(status, refund), shop, push)).toMatchObject({ ok: true, value: { status: expected, channelStatus: key } });
  });

  it.each([
    ['kwaishop_order_paySuccess', 30, 'PAID'],
    ['kwaishop_order_delivering', 40, 'SHIPPED'],
    ['kwaishop_order_deliverySuccess', 50, 'DELIVERED'],
    ['kwaishop_order_orderSuccess', 70, 'COMPLETED'],
    ['kwaishop_order_orderFail', 80, 'CANCELLED'],
  ] as const)('push %s with info.status %i → %s', (event, status, expected) => {
    const message = kuaishouMessageSchema.parse(
      makeKuaishouMessage({
        event,
        appKey: 'ks1',
        userId: 1,
        createTime: T + 1000,
        info: { oid: 2607602240240301, sellerId: 1, status, updateTime: T },
      }),
    );
    expect(normalizeKuaishouMessage(message, shop, push)).toMatchObject([{ ok: true, value: { status: expected, channelStatus: String(status) } }]);
  });

  it.each([
    [0, '0'],
    [20, '20'],
    [60, '60'],
    [999, '999'],
  ])('dead-letters status %i with a reason', (status, key) => {
    expect(normalizeKuaishouOrder(order(status), shop, push)).toEqual({ ok: false, reason: `unknown Kuaishou status "${key}"` });
  });

  it('dead-letters unlisted combinations such as a refund on an unpaid order', () => {
    expect(normalizeKuaishouOrder(order(10, 10), shop, push)).toEqual({ ok: false, reason: 'unknown Kuaishou status "10/refunding"' });
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'toString']) expect(lookupStatus(key)).toBeUndefined();
  });
});
