import { describe, expect, it } from 'vitest';
import { makeYouzanTrade, withYouzanStatus } from '../../simulators/youzan/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopConfig } from '../contract.js';
import { normalizeYouzanTrade } from './normalize.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'youzan', shopId: 'yz-main', brand: 'Omni', secret: 's' };
const base = makeYouzanTrade({
  tid: 'E20251111000005000000001',
  lines: [{ outerSkuId: 'A', quantity: 1, priceFen: 100 }],
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
});
const at = new Date('2025-11-12T10:00:00+08:00');
const push = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };

/** Hand-written from README.md, not read from the map. */
const EXPECTED: ReadonlyArray<[status: string, refundState: number, key: string, expected: OrderStatus]> = [
  ['WAIT_BUYER_PAY', 0, 'WAIT_BUYER_PAY', 'CREATED'],
  ['TRADE_PAID', 0, 'TRADE_PAID', 'PAID'],
  ['WAIT_CONFIRM', 0, 'WAIT_CONFIRM', 'PAID'],
  ['WAIT_SELLER_SEND_GOODS', 0, 'WAIT_SELLER_SEND_GOODS', 'PAID'],
  ['WAIT_BUYER_CONFIRM_GOODS', 0, 'WAIT_BUYER_CONFIRM_GOODS', 'SHIPPED'],
  ['TRADE_SUCCESS', 0, 'TRADE_SUCCESS', 'COMPLETED'],
  ['TRADE_CLOSED', 0, 'TRADE_CLOSED', 'CANCELLED'],
  ['TRADE_CLOSED', 12, 'TRADE_CLOSED/refund_state:12', 'REFUNDED'],
  ...(['TRADE_PAID', 'WAIT_CONFIRM', 'WAIT_SELLER_SEND_GOODS', 'WAIT_BUYER_CONFIRM_GOODS', 'TRADE_SUCCESS'] as const).flatMap(
    (s) =>
      [
        [s, 1, `${s}/refund_state:1`, 'REFUNDING'],
        [s, 2, `${s}/refund_state:2`, 'REFUNDING'],
        [s, 11, `${s}/refund_state:11`, 'REFUNDING'],
        [s, 12, `${s}/refund_state:12`, 'REFUNDED'],
      ] as Array<[string, number, string, OrderStatus]>,
  ),
];

describe('Youzan statusMap', () => {
  it('holds exactly the documented keys, frozen, canonical values only', () => {
    expect(Object.keys(statusMap).sort()).toEqual(EXPECTED.map(([, , key]) => key).sort());
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const s of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(s);
  });

  it.each(EXPECTED)('%s with refund_state %s → %s → %s', (status, refundState, key, expected) => {
    const trade = withYouzanStatus(base, status, at, refundState);
    expect(normalizeYouzanTrade(trade.full_order_info, shop, push)).toMatchObject({ ok: true, value: { status: expected, channelStatus: key } });
  });

  it.each([
    ['TRADE_BUYER_SIGNED', 0, 'TRADE_BUYER_SIGNED'],
    ['WAIT_BUYER_PAY', 1, 'WAIT_BUYER_PAY/refund_state:1'],
    ['TRADE_CLOSED', 2, 'TRADE_CLOSED/refund_state:2'],
    ['TRADE_SUCCESS', 99, 'TRADE_SUCCESS/refund_state:99'],
    ['trade_success', 0, 'trade_success'],
  ])('unknown %s / refund_state %s is refused with a reason', (status, refundState, key) => {
    const trade = withYouzanStatus(base, status, at, refundState);
    expect(normalizeYouzanTrade(trade.full_order_info, shop, push)).toEqual({ ok: false, reason: `unknown Youzan status "${key}"` });
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'toString']) expect(lookupStatus(key)).toBeUndefined();
  });
});
