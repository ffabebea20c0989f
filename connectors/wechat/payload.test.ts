import { describe, expect, it } from 'vitest';
import { makeWechatOrder } from '../../simulators/wechat/index.js';
import { wechatEventSchema, wechatOrderSchema, wechatPayloadSchema } from './payload.js';

const order = makeWechatOrder({ orderId: '3704612354559743232', status: 20, createTime: 1_658_505_600, lines: [{ skuId: '1', count: 1, salePrice: 100 }] });
const event = {
  ToUserName: 'gh_x',
  FromUserName: 'o1',
  CreateTime: 1662480000,
  MsgType: 'event',
  Event: 'channels_ec_order_pay',
  order_info: { order_id: '3705115058471208928', pay_time: 1662480000 },
};

describe('WeChat payload schemas', () => {
  it('accept the documented shapes and keep unknown fields', () => {
    expect(wechatPayloadSchema.safeParse(order).success).toBe(true);
    const parsed = wechatEventSchema.parse({ ...event, somethingNew: true });
    expect((parsed as Record<string, unknown>).somethingNew).toBe(true);
  });

  it.each([
    ['status as text', { ...order, status: '20' }],
    ['order_id as a rounded number beyond 2^53', { ...order, order_id: JSON.parse('3704612354559743232') as number }],
    ['order_id with letters', { ...order, order_id: '37046x' }],
    ['sale_price as a yuan string', { ...order, order_detail: { ...order.order_detail, product_infos: [{ sku_id: '1', sku_cnt: 1, sale_price: '1.00' }] } }],
    ['no price_info', { ...order, order_detail: { ...order.order_detail, price_info: undefined } }],
  ])('reject an order with %s', (_label, bad) => {
    expect(wechatOrderSchema.safeParse(bad).success).toBe(false);
    expect(wechatPayloadSchema.safeParse(bad).success).toBe(false);
  });

  it.each([
    ['no Event', { ...event, Event: undefined }],
    ['CreateTime as text', { ...event, CreateTime: '1662480000' }],
    ['finish_delivery as text', { ...event, order_info: { order_id: '1', finish_delivery: '1' } }],
  ])('reject an event with %s', (_label, bad) => {
    expect(wechatPayloadSchema.safeParse(bad).success).toBe(false);
  });
});
