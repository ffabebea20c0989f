import { describe, expect, it } from 'vitest';
import { makeMeituanOrder, withStatus } from '../../simulators/meituan/index.js';
import { ORDER_STATUSES, type OrderStatus } from '../../topics/schemas/order-event.js';
import type { ShopConfig } from '../contract.js';
import { normalizeMeituanOrder } from './normalize.js';
import { lookupStatus, statusMap } from './status-map.js';

const shop: ShopConfig = { channel: 'meituan', shopId: 's1', brand: 'B', secret: 'x' };
const push = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 };
const base = makeMeituanOrder({
  orderId: '1001',
  appPoiCode: 's1',
  createdAt: new Date('2025-11-11T00:00:00+08:00'),
  lines: [{ sku_id: 'A', quantity: 1, price: '10' }],
});
const at = new Date('2025-11-11T00:30:00+08:00');

/** Written out by hand from the README table, so the map is checked against a separate statement of intent. */
const EXPECTED: ReadonlyArray<[status: string, logistics: string | undefined, expected: OrderStatus]> = [
  ['1', undefined, 'CREATED'],
  ['2', undefined, 'PAID'],
  ['3', undefined, 'PAID'],
  ['4', undefined, 'ALLOCATED'],
  ['6', undefined, 'SHIPPED'],
  ['8', undefined, 'COMPLETED'],
  ['9', undefined, 'CANCELLED'],
  ['1', '0', 'CREATED'],
  ['2', '0', 'PAID'],
  ['3', '0', 'PAID'],
  ['4', '0', 'ALLOCATED'],
  ['4', '5', 'ALLOCATED'],
  ['4', '10', 'ALLOCATED'],
  ['4', '15', 'ALLOCATED'],
  ['4', '20', 'SHIPPED'],
  ['4', '40', 'DELIVERED'],
  ['4', '100', 'ALLOCATED'],
  ['6', '20', 'SHIPPED'],
  ['6', '40', 'DELIVERED'],
  ['8', '0', 'COMPLETED'],
  ['8', '5', 'COMPLETED'],
  ['8', '10', 'COMPLETED'],
  ['8', '15', 'COMPLETED'],
  ['8', '20', 'COMPLETED'],
  ['8', '40', 'COMPLETED'],
  ['8', '100', 'COMPLETED'],
  ['9', '0', 'CANCELLED'],
  ['9', '5', 'CANCELLED'],
  ['9', '10', 'CANCELLED'],
  ['9', '15', 'CANCELLED'],
  ['9', '20', 'CANCELLED'],
  ['9', '40', 'CANCELLED'],
  ['9', '100', 'CANCELLED'],
];
const keyOf = (s: string, l: string | undefined) => (l === undefined ? s : `${s}/${l}`);

describe('Meituan statusMap', () => {
  it('holds exactly the documented keys, frozen, mapping to canonical statuses', () => {
    expect(Object.keys(statusMap).sort()).toEqual(EXPECTED.map(([s, l]) => keyOf(s, l)).sort());
    expect(Object.isFrozen(statusMap)).toBe(true);
    for (const v of Object.values(statusMap)) expect(ORDER_STATUSES).toContain(v);
  });

  it.each(EXPECTED)('status %s, logistics_status %s → %s through normalize', (status, logistics, expected) => {
    const result = normalizeMeituanOrder(withStatus(base, status, at, logistics), shop, push);
    expect(result).toMatchObject({ ok: true, value: { status: expected, channelStatus: keyOf(status, logistics) } });
  });

  it('treats an empty logistics_status as absent', () => {
    const result = normalizeMeituanOrder({ ...withStatus(base, '4', at), logistics_status: '' }, shop, push);
    expect(result).toMatchObject({ ok: true, value: { status: 'ALLOCATED', channelStatus: '4' } });
  });

  it.each([
    ['5', undefined, '5'],
    ['7', undefined, '7'],
    ['2', '20', '2/20'],
    ['1', '40', '1/40'],
    ['4', '1', '4/1'],
    ['4', '30', '4/30'],
    ['', undefined, ''],
    ['已完成', undefined, '已完成'],
  ])('dead-letters status %s / logistics %s with a reason', (status, logistics, key) => {
    expect(normalizeMeituanOrder(withStatus(base, status, at, logistics), shop, push)).toEqual({ ok: false, reason: `unknown Meituan status "${key}"` });
  });

  it('never matches inherited properties', () => {
    for (const key of ['constructor', '__proto__', 'toString']) expect(lookupStatus(key)).toBeUndefined();
  });
});
