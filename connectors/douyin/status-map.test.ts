import { describe, expect, it } from 'vitest';
import { douyinOrderMessage, douyinPush, makeDouyinOrder, toInboundPush, withDouyinStatus } from '../../simulators/douyin/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopConfig } from '../contract.js';
import { normalizeDouyinOrder, normalizeDouyinPush } from './normalize.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'douyin', shopId: 'dy-flagship', brand: 'Omni', secret: 'sim-secret-1234', credentials: { appKey: 'k' } };
const base = makeDouyinOrder({
  orderId: '6920000000000000101',
  skus: [{ skuId: '1780000000000000001', quantity: 1, priceFen: 1990 }],
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
});
const at = new Date('2025-11-11T08:00:00+08:00');
const push = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };

/** Written out by hand from README.md's table, not read from the map. */
const EXPECTED: ReadonlyArray<[orderStatus: number, mainStatus: number | undefined, channelStatus: string, expected: OrderStatus]> = [
  [1, undefined, '1', 'CREATED'],
  [105, undefined, '105', 'PAID'],
  [2, undefined, '2', 'PAID'],
  [101, undefined, '101', 'PAID'],
  [3, undefined, '3', 'SHIPPED'],
  [4, undefined, '4', 'CANCELLED'],
  [5, undefined, '5', 'COMPLETED'],
  [1, 103, '1/103', 'CREATED'],
  [4, 21, '4/21', 'REFUNDED'],
  [4, 22, '4/22', 'REFUNDED'],
  [4, 39, '4/39', 'REFUNDED'],
  [3, 22, '3/22', 'REFUNDED'],
  [2, 2, '2/2', 'PAID'], // a main_status without an override falls back to order_status
];

describe('Douyin statusMap', () => {
  it('holds exactly the documented keys, frozen, canonical values only', () => {
    expect(Object.keys(statusMap).sort()).toEqual(
      ['1', '101', '105', '2', '3', '4', '5', 'main_status:103', 'main_status:21', 'main_status:22', 'main_status:39'].sort(),
    );
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const s of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(s);
  });

  it.each(EXPECTED)('order_status %s, main_status %s → channelStatus %s → %s (query API order)', (orderStatus, mainStatus, channelStatus, expected) => {
    const order = withDouyinStatus(base, orderStatus, at, mainStatus);
    expect(normalizeDouyinOrder(order, shop, push)).toMatchObject({ ok: true, value: { status: expected, channelStatus } });
  });

  it.each(EXPECTED.filter(([, main]) => main === undefined))('order_status %s in a push message → %s', (orderStatus, _m, channelStatus, expected) => {
    const order = withDouyinStatus(base, orderStatus, at);
    const [result] = normalizeDouyinPush([douyinOrderMessage('102', order, at)], shop, push);
    expect(result).toMatchObject({ ok: true, value: { status: expected, channelStatus } });
  });

  it.each([0, 6, 100, 999, -1])('unknown order_status %s is refused with a reason', (orderStatus) => {
    const order = withDouyinStatus(base, orderStatus, at);
    expect(normalizeDouyinOrder(order, shop, push)).toEqual({ ok: false, reason: `unknown Douyin status "${orderStatus}"` });
  });

  it('an unknown code in a push message is dead-lettered with its msg_id', () => {
    const message = douyinOrderMessage('102', withDouyinStatus(base, 7, at), at);
    const [result] = normalizeDouyinPush([message], shop, toInboundPush(douyinPush([message], 'k', 's'), 1));
    expect(result).toEqual({ ok: false, reason: `msg_id ${message.msg_id} (tag 102): unknown Douyin status "7"` });
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'toString']) expect(lookupStatus(key)).toBeUndefined();
  });
});
