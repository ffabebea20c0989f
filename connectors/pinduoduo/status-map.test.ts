import { describe, expect, it } from 'vitest';
import { makePddOrder, withPddStatus } from '../../simulators/pinduoduo/index.js';
import type { ShopConfig } from '../contract.js';
import { normalizePddOrder } from './normalize.js';
import type { PddOrder } from './payload.js';
import { statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'pinduoduo', shopId: 'pdd-omni', brand: 'Omni', secret: 'client-secret-1' };
const at = new Date('2025-11-10T17:00:00Z');
const base = makePddOrder({
  orderSn: '251110-512345678901234',
  items: [{ outerId: 'TEE', count: 1, price: '19.90' }],
  createdAt: new Date('2025-11-10T16:00:00Z'),
});

function statusOf(order: PddOrder) {
  const out = normalizePddOrder(order, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
  return out.ok ? { status: out.value.status, channelStatus: out.value.channelStatus } : { error: out.reason };
}

describe('PDD order_status / refund_status / group_status → canonical', () => {
  const cases: Array<[number, number, number, string]> = [
    // group formed
    [1, 1, 1, 'PAID'],
    [2, 1, 1, 'SHIPPED'],
    [3, 1, 1, 'COMPLETED'],
    [1, 2, 1, 'REFUNDING'],
    [2, 2, 1, 'REFUNDING'],
    [3, 2, 1, 'REFUNDING'],
    [1, 3, 1, 'REFUNDING'],
    [2, 3, 1, 'REFUNDING'],
    [3, 3, 1, 'REFUNDING'],
    [1, 4, 1, 'REFUNDED'],
    [2, 4, 1, 'REFUNDED'],
    [3, 4, 1, 'REFUNDED'],
    // group forming
    [1, 1, 0, 'PAID'],
    [1, 2, 0, 'REFUNDING'],
    [1, 3, 0, 'REFUNDING'],
    [1, 4, 0, 'REFUNDED'],
    // group failed
    [1, 1, 2, 'CANCELLED'],
    [1, 2, 2, 'REFUNDING'],
    [1, 3, 2, 'REFUNDING'],
    [1, 4, 2, 'REFUNDED'],
  ];
  it.each(cases)('order_status %i, refund_status %i, group_status %i → %s', (os, rs, gs, expected) => {
    expect(statusOf(withPddStatus(base, { order_status: os, refund_status: rs, group_status: gs }, at))).toEqual({
      status: expected,
      channelStatus: `${os}/${rs}/${gs}`,
    });
  });

  it('deposit orders before the final payment are CREATED; after it, the normal axes decide', () => {
    const deposit = makePddOrder({ orderSn: '251110-1', deposit: true, items: [{ outerId: 'PRE', count: 1, price: '5.00' }], createdAt: at });
    expect(statusOf(deposit)).toEqual({ status: 'CREATED', channelStatus: 'step0/1' });
    expect(statusOf(withPddStatus(deposit, { step_order_info: { step_trade_status: 1 } }, at))).toEqual({ status: 'CREATED', channelStatus: 'step1/1' });
    expect(statusOf(withPddStatus(deposit, { step_order_info: { step_trade_status: 1 }, refund_status: 3 }, at))).toEqual({
      status: 'REFUNDING',
      channelStatus: 'step1/3',
    });
    expect(statusOf(withPddStatus(deposit, { step_order_info: { step_trade_status: 1 }, refund_status: 4 }, at))).toEqual({
      status: 'REFUNDED',
      channelStatus: 'step1/4',
    });
    expect(statusOf(withPddStatus(deposit, { step_order_info: { step_trade_status: 2 } }, at))).toEqual({ status: 'PAID', channelStatus: '1/1/1' });
  });

  it('dead-letters unknown values and impossible combinations', () => {
    expect(statusOf(withPddStatus(base, { order_status: 4 }, at))).toEqual({ error: 'unknown Pinduoduo status "4/1/1"' });
    expect(statusOf(withPddStatus(base, { order_status: 2, group_status: 0 }, at))).toEqual({ error: 'unknown Pinduoduo status "2/1/0"' });
    expect(statusOf(withPddStatus(base, { group_status: null }, at))).toEqual({ error: 'unknown Pinduoduo status "1/1/-"' });
    expect(statusOf(withPddStatus(base, { refund_status: 5 }, at))).toEqual({ error: 'unknown Pinduoduo status "1/5/1"' });
  });

  it('is frozen data with 25 entries', () => {
    expect(Object.isFrozen(statusMap)).toBe(true);
    expect(Object.keys(statusMap)).toHaveLength(25);
  });
});
