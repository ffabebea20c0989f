import { describe, expect, it } from 'vitest';
import { makePddOrder } from '../../simulators/pinduoduo/index.js';
import { contentIds, parseFrame, quoteBigIntegers } from './message.js';
import { pddOrderSchema } from './payload.js';

const order = JSON.parse(
  JSON.stringify(makePddOrder({ orderSn: '251111-1', items: [{ outerId: 'A', count: 1, price: '1.00' }], createdAt: new Date('2025-11-10T16:00:05Z') })),
);

describe('pddOrderSchema', () => {
  it('accepts PDD orders and keeps unknown fields', () => {
    expect(pddOrderSchema.parse({ ...order, new_field: 'x' })).toMatchObject({ order_sn: '251111-1', new_field: 'x' });
  });
  it.each([
    ['order_status as a string', { order_status: '1' }],
    ['refund_status missing', { refund_status: undefined }],
    ['order_sn empty', { order_sn: '' }],
    ['pay_amount as an object', { pay_amount: { v: 1 } }],
    ['updated_at missing', { updated_at: undefined }],
    ['item_list not an array', { item_list: {} }],
  ])('rejects %s', (_name, change) => {
    expect(pddOrderSchema.safeParse({ ...order, ...change }).success).toBe(false);
  });
});

describe('message frames', () => {
  it('keeps ids beyond 2^53 exact, without touching strings', () => {
    expect(quoteBigIntegers('{"id":7300000000000000001,"n":12,"s":"x 7300000000000000001 \\" y","f":1.5}')).toBe(
      '{"id":"7300000000000000001","n":12,"s":"x 7300000000000000001 \\" y","f":1.5}',
    );
    const parsed = parseFrame(
      '{"id":7300000000000000001,"commandType":"Common","time":1,"sendTime":1762790405000,"message":{"type":"pdd_trade_TradeConfirmed","mallID":445566778,"content":"{\\"tid\\":\\"251111-1\\",\\"mall_id\\":445566778}"}}',
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: { kind: 'common', frame: { id: '7300000000000000001', sendTime: '1762790405000', message: { mallID: '445566778' } } },
    });
  });
  it('classifies heartbeats and acks as control frames and refuses junk', () => {
    expect(parseFrame('{"commandType":"HeartBeat","time":1}')).toEqual({ ok: true, value: { kind: 'control', commandType: 'HeartBeat' } });
    expect(parseFrame('{"commandType":"Common","id":1}').ok).toBe(false);
    expect(parseFrame('not json').ok).toBe(false);
  });
  it('reads tid and mall_id from the content', () => {
    expect(contentIds('{"tid":"251111-1","mall_id":445566778}')).toEqual({ ok: true, value: { tid: '251111-1', mallId: '445566778' } });
    expect(contentIds('{"refund_id":1}')).toEqual({ ok: false, reason: 'message content has no tid' });
  });
});
