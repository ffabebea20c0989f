import { describe, expect, it } from 'vitest';
import { makeKuaishouMessage, makeKuaishouOrder } from '../../simulators/kuaishou/index.js';
import { kuaishouMessageSchema, kuaishouOrderSchema, kuaishouPayloadSchema } from './payload.js';

const order = makeKuaishouOrder({ oid: 2215900041470428, status: 30, skuId: 888390671925, num: 2, price: 1000, createTime: 1_654_661_142_714 });
const message = makeKuaishouMessage({
  event: 'kwaishop_order_paySuccess',
  appKey: 'ks1',
  userId: 1,
  createTime: 1_773_750_943_589,
  info: { oid: 5, status: 30, updateTime: 1 },
});

describe('Kuaishou payload schemas', () => {
  it("accept the simulator's order and message, keeping unknown fields", () => {
    expect(kuaishouPayloadSchema.safeParse(order).success).toBe(true);
    const parsed = kuaishouMessageSchema.parse({ ...message, brandNewField: 1 });
    expect(parsed.info).toEqual({ oid: 5, status: 30, updateTime: 1 });
    expect((parsed as Record<string, unknown>).brandNewField).toBe(1);
  });

  it.each([
    ['oid as a string', { ...order, orderBaseInfo: { ...order.orderBaseInfo, oid: '2215900041470428' } }],
    ['totalFee as a yuan string', { ...order, orderBaseInfo: { ...order.orderBaseInfo, totalFee: '25.00' } }],
    ['status missing', { ...order, orderBaseInfo: { ...order.orderBaseInfo, status: undefined } }],
    ['an order id beyond 2^53 (already rounded by JSON.parse)', { ...order, orderBaseInfo: { ...order.orderBaseInfo, oid: 2 ** 53 + 2 } }],
    ['no item', { ...order, orderItemInfo: undefined }],
  ])('reject an order with %s', (_label, bad) => {
    expect(kuaishouOrderSchema.safeParse(bad).success).toBe(false);
    expect(kuaishouPayloadSchema.safeParse(bad).success).toBe(false);
  });

  it.each([
    ['info that is not JSON text', { ...message, info: '{oid:5' }],
    ['info as an object instead of JSON text', { ...message, info: { oid: 5 } }],
    ['appKey missing', { ...message, appKey: undefined }],
    ['createTime as a string', { ...message, createTime: '1773750943589' }],
    ['info.status as a string', { ...message, info: '{"oid":5,"status":"30"}' }],
  ])('reject a message with %s', (_label, bad) => {
    expect(kuaishouMessageSchema.safeParse(bad).success).toBe(false);
    expect(kuaishouPayloadSchema.safeParse(bad).success).toBe(false);
  });
});
