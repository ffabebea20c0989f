import { describe, expect, it } from 'vitest';
import { makeMeituanOrder, meituanPush, toInboundPush } from '../../simulators/meituan/index.js';
import { meituan } from './index.js';
import { parseJsonExact } from './json-numbers.js';
import { fenToYuan, yuanToFen } from './money.js';

const order = makeMeituanOrder({
  orderId: '27061900338318741',
  appPoiCode: 'p1',
  createdAt: new Date('2025-01-01T00:00:00Z'),
  lines: [{ sku_id: 'A', quantity: 1, price: '9.9' }],
});
const shop = { channel: 'meituan', shopId: 'p1', brand: 'b', secret: 's', credentials: { pushUrl: 'https://h/cb' } };

describe('Meituan decode', () => {
  it('turns the double-encoded form into JSON of plain strings, without sig', () => {
    const push = toInboundPush(meituanPush(order, { appId: '1', secret: 's', pushUrl: 'https://h/cb' }), Date.now());
    const decoded = meituan.decode!(push, shop);
    if (!decoded.ok) throw new Error(decoded.reason);
    const json = JSON.parse(decoded.value) as Record<string, unknown>;
    expect(json.order_id).toBe('27061900338318741');
    expect(json.detail).toBe(order.detail); // the JSON string, intact, not percent-encoded
    expect(json.recipient_address).toBe(order.recipient_address); // decoded twice: '@#', spaces, CJK
    expect(json.app_id).toBe('1');
    expect(json).not.toHaveProperty('sig');
  });

  it('refuses a body with broken percent-encoding', () => {
    const push = { headers: {}, query: {}, rawBody: Buffer.from('detail=%E4%B8'), receivedAt: 0 };
    expect(meituan.decode!(push, shop).ok).toBe(false);
  });
});

describe('Meituan payloadSchema', () => {
  const valid = JSON.parse(JSON.stringify(order)) as Record<string, unknown>;

  it('accepts a decoded push, unknown fields included', () => {
    expect(meituan.payloadSchema.safeParse({ ...valid, some_new_field: 'x' }).success).toBe(true);
  });

  it.each([
    ['order_id as a JSON number', { order_id: JSON.parse('27061900338318741') as number }],
    ['order_id with letters', { order_id: 'MT123' }],
    ['status as a number', { status: 4 }],
    ['total as a number', { total: 56.6 }],
    ['detail as an array', { detail: [] }],
    ['missing utime', { utime: undefined }],
    ['empty app_poi_code', { app_poi_code: '' }],
  ])('rejects %s', (_label, patch) => {
    expect(meituan.payloadSchema.safeParse({ ...valid, ...patch }).success).toBe(false);
  });
});

describe('exact numbers and money', () => {
  it('keeps bigints and decimals as their source text', () => {
    expect(parseJsonExact('{"order_id":27061900338318741,"p":[19.99,-1,2e3],"s":"7 \\"8\\" 9"}')).toEqual({
      order_id: '27061900338318741',
      p: ['19.99', '-1', '2e3'],
      s: '7 "8" 9',
    });
  });

  it('converts yuan to fen exactly and back', () => {
    expect(yuanToFen('0.1')).toEqual({ ok: true, value: 10 });
    expect(yuanToFen('19.99')).toEqual({ ok: true, value: 1999 });
    expect(yuanToFen('38.500')).toEqual({ ok: true, value: 3850 });
    expect(yuanToFen('1.005').ok).toBe(false);
    expect(yuanToFen(' 1').ok).toBe(false);
    expect(yuanToFen('99999999999999999').ok).toBe(false);
    expect([3850, 1999, 10, 7, 100].map(fenToYuan)).toEqual(['38.5', '19.99', '0.1', '0.07', '1']);
  });
});
