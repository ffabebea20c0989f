import { describe, expect, it } from 'vitest';
import { makeTaobaoTrade, topJson } from '../../simulators/taobao/index.js';
import { taobaoTradeSchema } from './payload.js';

const trade = JSON.parse(
  topJson(makeTaobaoTrade({ tid: '4123456789012345678', lines: [{ outerSkuId: 'A', num: 1, price: '1.00' }], createdAt: new Date('2025-11-10T16:00:05Z') })),
);

describe('taobaoTradeSchema', () => {
  it('accepts TOP trades and keeps unknown fields', () => {
    const parsed = taobaoTradeSchema.parse({ ...trade, some_new_field: 1 });
    expect(parsed).toMatchObject({ tid_str: '4123456789012345678', some_new_field: 1 });
  });

  it.each([
    ['payment as a number', { payment: 12.5 }],
    ['status missing', { status: undefined }],
    ['modified as a number', { modified: 1762790405 }],
    ['orders not wrapped in {order: []}', { orders: [] }],
    ['tid_str not digits', { tid_str: '41234x' }],
    ['no tid at all', { tid: undefined, tid_str: undefined }],
  ])('rejects %s', (_name, change) => {
    expect(taobaoTradeSchema.safeParse({ ...trade, ...change }).success).toBe(false);
  });

  it('rejects a line whose num is a string or whose price is a number', () => {
    const line = trade.orders.order[0];
    expect(taobaoTradeSchema.safeParse({ ...trade, orders: { order: [{ ...line, num: '1' }] } }).success).toBe(false);
    expect(taobaoTradeSchema.safeParse({ ...trade, orders: { order: [{ ...line, price: 1 }] } }).success).toBe(false);
  });
});
