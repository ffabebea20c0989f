import { describe, expect, it } from 'vitest';
import { makeJdOrder, SIM_PII, withState } from '../../simulators/jd/index.js';
import { eventIdOf, orderKeyOf, type ShopConfig } from '../contract.js';
import { jd } from './index.js';
import type { JdOrder } from './payload.js';
import { SOURCE_SEAL_HEADER, sealPolledRecord } from './signature.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

const shop: ShopConfig = { channel: 'jd', shopId: 'jd-flagship', brand: 'Omni Home', secret: 'jd-secret' };
const order = withState(
  makeJdOrder({
    orderId: '301234567890',
    createdAt: new Date('2025-11-11T00:00:05+08:00'),
    freight: '6.00',
    discount: '20.00',
    province: '北京',
    city: '朝阳区',
    lines: [
      { skuId: '100012345678', outerSkuId: 'KETTLE-1.5L-WHT', quantity: 2, price: '199.00' },
      { skuId: '100087654321', quantity: 1, price: '0.10' },
    ],
  }),
  'WAIT_GOODS_RECEIVE_CONFIRM',
  new Date('2025-11-12T09:30:00+08:00'),
);

/** As the gateway runs a polled record: verify (seal) → JSON → payloadSchema → normalize. */
function ingest(o: JdOrder, receivedAt = 1_763_000_000_000) {
  const rawBody = Buffer.from(JSON.stringify(o));
  const push = { headers: { [SOURCE_SEAL_HEADER]: sealPolledRecord(rawBody, shop.secret) }, rawBody, receivedAt };
  expect(jd.verify(push, shop).ok).toBe(true);
  const parsed = jd.payloadSchema.safeParse(JSON.parse(rawBody.toString()));
  if (!parsed.success) throw new Error(parsed.error.message);
  return jd.normalize(parsed.data, shop, push);
}

describe('JD normalize', () => {
  it('turns an enSearch order into a canonical event, field by field', () => {
    const occurredAt = Date.parse('2025-11-12T01:30:00Z');
    const orderKey = orderKeyOf('jd', 'jd-flagship', '301234567890');
    expect(ingest(order)).toEqual([
      {
        ok: true,
        value: {
          eventId: eventIdOf(orderKey, 'SHIPPED', occurredAt),
          orderKey: 'jd:jd-flagship:301234567890',
          channel: 'jd',
          shopId: 'jd-flagship',
          brand: 'Omni Home',
          channelOrderId: '301234567890',
          status: 'SHIPPED',
          channelStatus: 'WAIT_GOODS_RECEIVE_CONFIRM',
          occurredAt,
          receivedAt: 1_763_000_000_000,
          currency: 'CNY',
          // orderPayment = 2 × 199.00 + 0.10 − 20.00 discount + 6.00 freight = 384.10
          totalMinor: 38410,
          lines: [
            { sku: 'KETTLE-1.5L-WHT', quantity: 2, unitPriceMinor: 19900, itemId: '1000100012345678', skuId: '100012345678' },
            { sku: 'jd-100087654321', quantity: 1, unitPriceMinor: 10, itemId: '1000100087654321', skuId: '100087654321' },
          ],
          buyerCountry: 'CN',
          buyerProvince: '北京',
          buyerCity: '朝阳区',
          presale: false,
        },
      },
    ]);
  });

  it('carries the wareId and skuId of each line exactly, even beyond 2^53, and null without a wareId', () => {
    const big = { ...order, itemInfoList: [{ skuId: '900719925474099317', wareId: '900719925474099319', jdPrice: '1.00', itemTotal: '1' }] };
    expect(ingest(big as JdOrder)[0]).toMatchObject({ ok: true, value: { lines: [{ itemId: '900719925474099319', skuId: '900719925474099317' }] } });
    const bare = { ...order, itemInfoList: [{ skuId: '5', jdPrice: '1.00', itemTotal: '1' }] };
    expect(ingest(bare as JdOrder)[0]).toMatchObject({ ok: true, value: { lines: [{ itemId: null, skuId: '5' }] } });
  });

  it('lets no consignee or buyer data through', () => {
    const text = JSON.stringify(ingest(order));
    for (const value of Object.values(SIM_PII)) expect(text).not.toContain(value);
    expect(text).not.toContain('13700000000');
  });

  it('reads China wall-clock time as UTC+08:00 and round-trips it', () => {
    expect(parseChinaTime('t', '2025-11-11 00:00:05')).toEqual({ ok: true, value: Date.parse('2025-11-10T16:00:05Z') });
    expect(formatChinaTime(Date.parse('2025-11-10T16:00:05.900Z'))).toBe('2025-11-11 00:00:05');
  });

  it.each<[string, Partial<JdOrder>, RegExp]>([
    ['a decimal-comma payment', { orderPayment: '384,10' }, /^orderPayment: malformed money amount/],
    ['a sub-fen payment', { orderPayment: '384.105' }, /more than 2 decimal places/],
    ['an ISO modified time', { modified: '2025-11-12T09:30:00+08:00' }, /^modified is not a "yyyy-MM-dd HH:mm:ss" time/],
    ['an impossible date', { modified: '2025-02-30 10:00:00' }, /^modified is not a real time/],
    ['a zero quantity', { itemInfoList: [{ skuId: '1', jdPrice: '1.00', itemTotal: '0' }] }, /itemTotal is not a positive integer/],
    ['a fractional quantity', { itemInfoList: [{ skuId: '1', jdPrice: '1.00', itemTotal: '1.5' }] }, /itemTotal is not a positive integer/],
    ['a negative price', { itemInfoList: [{ skuId: '1', jdPrice: '-1.00', itemTotal: '1' }] }, /jdPrice: malformed money amount/],
    ['no items', { itemInfoList: [] }, /itemInfoList is empty/],
  ])('dead-letters %s with a reason', (_label, patch, reason) => {
    expect(ingest({ ...order, ...patch } as JdOrder)[0]).toMatchObject({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('has no region when consigneeInfo is absent', () => {
    const { consigneeInfo: _c, ...bare } = order;
    expect(ingest(bare as JdOrder)[0]).toMatchObject({ ok: true, value: { buyerCountry: 'CN', buyerProvince: null, buyerCity: null } });
  });
});

describe('JD payloadSchema', () => {
  const valid = JSON.parse(JSON.stringify(order)) as Record<string, unknown>;
  it('accepts a record with unknown fields', () => {
    expect(jd.payloadSchema.safeParse({ ...valid, someNewField: 1 }).success).toBe(true);
  });
  it.each([
    ['orderId as a number', { orderId: 301234567890 }],
    ['orderId with letters', { orderId: 'JD301' }],
    ['orderPayment as a number', { orderPayment: 384.1 }],
    ['itemInfoList not an array', { itemInfoList: {} }],
    ['an item without skuId', { itemInfoList: [{ jdPrice: '1.00', itemTotal: '1' }] }],
    ['missing modified', { modified: undefined }],
  ])('rejects %s', (_label, patch) => {
    expect(jd.payloadSchema.safeParse({ ...valid, ...patch }).success).toBe(false);
  });
});
