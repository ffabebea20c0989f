import { describe, expect, it } from 'vitest';
import { makeJdOrder, withState } from '../../simulators/jd/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopConfig } from '../contract.js';
import { normalizeJdOrder } from './normalize.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'jd', shopId: 's', brand: 'b', secret: 'x' };
const push = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };
const base = makeJdOrder({
  orderId: '300000000001',
  createdAt: new Date('2025-11-11T00:00:00+08:00'),
  lines: [{ skuId: '100012', quantity: 1, price: '9.90' }],
});
const at = new Date('2025-11-11T08:00:00+08:00');

/** By hand, from the README table. */
const EXPECTED: ReadonlyArray<[string, OrderStatus]> = [
  ['WAIT_SELLER_STOCK_OUT', 'PAID'],
  ['WAIT_SELLER_DELIVERY', 'PAID'],
  ['PAUSE', 'PAID'],
  ['POP_ORDER_PAUSE', 'PAID'],
  ['WAIT_SEND_CODE', 'PAID'],
  ['SEND_TO_DISTRIBUTION_CENER', 'SHIPPED'],
  ['DISTRIBUTION_CENTER_RECEIVED', 'SHIPPED'],
  ['WAIT_GOODS_RECEIVE_CONFIRM', 'SHIPPED'],
  ['RECEIPTS_CONFIRM', 'COMPLETED'],
  ['FINISHED_L', 'COMPLETED'],
  ['LOCKED', 'REFUNDING'],
  ['DELIVERY_RETURN', 'REFUNDING'],
  ['TRADE_CANCELED', 'CANCELLED'],
  ['PARENT_TRADE_CANCELED', 'CANCELLED'],
];

describe('JD statusMap', () => {
  it('holds exactly the documented states, frozen, mapping to canonical statuses', () => {
    expect(Object.keys(statusMap).sort()).toEqual(EXPECTED.map(([s]) => s).sort());
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const v of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(v);
  });

  it.each(EXPECTED)('%s → %s through normalize', (state, expected) => {
    expect(normalizeJdOrder(withState(base, state, at), shop, push)).toMatchObject({ ok: true, value: { status: expected, channelStatus: state } });
  });

  it.each(['UN_KNOWN', 'WAIT_BUYER_PAY', 'NOT_PAY', 'finished_l', 'FINISHED', ''])('dead-letters "%s"', (state) => {
    expect(normalizeJdOrder(withState(base, state, at), shop, push)).toEqual({ ok: false, reason: `unknown JD status "${state}"` });
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'hasOwnProperty']) expect(lookupStatus(key)).toBeUndefined();
  });
});
