import { describe, expect, it } from 'vitest';
import { makeYouzanTrade, SIM_PII, toInboundPush, withYouzanStatus, youzanEnvelope, youzanPush } from '../../simulators/youzan/index.js';
import { eventIdOf, type InboundPush, type ShopConfig } from '../contract.js';
import { youzan } from './index.js';
import { toOrderLines } from './lines.js';
import { yuanToFen } from './money.js';
import { normalizeYouzan, normalizeYouzanPush, normalizeYouzanTrade } from './normalize.js';
import { decodeYouzanMsg, youzanPayloadSchema, youzanPushSchema } from './payload.js';
import { formatChinaTime, parseChinaTime } from './timestamp.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e08';
const shop: ShopConfig = {
  channel: 'youzan',
  shopId: 'yz-main',
  brand: 'Omni Apparel',
  secret: 'sim-client-secret-7788',
  credentials: { clientId: CLIENT_ID, kdtId: '41566520' },
};
const push: InboundPush = { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1_762_790_500_123 };

const created = makeYouzanTrade({
  tid: 'E20251111000005073500004',
  lines: [
    { outerSkuId: 'TEE-RED-M', skuId: 36612345, quantity: 2, priceFen: 1999 },
    { skuId: 36612399, quantity: 1, priceFen: 10, preSale: true },
    { itemId: 500000777, outerItemId: 'MUG-01', quantity: 3, priceFen: 435 },
  ],
  postFen: 500,
  province: '广东省',
  city: '深圳市',
  createdAt: new Date('2025-11-11T00:00:05+08:00'),
});
const paid = withYouzanStatus(created, 'WAIT_SELLER_SEND_GOODS', new Date('2025-11-11T00:01:30+08:00'));

function ok<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe('normalizeYouzanTrade', () => {
  it('maps a realistic paid trade field by field', () => {
    const orderKey = 'youzan:yz-main:E20251111000005073500004';
    const occurredAt = Date.parse('2025-11-10T16:01:30Z'); // "2025-11-11 00:01:30" China time
    expect(paid.full_order_info.order_info.update_time).toBe('2025-11-11 00:01:30');
    expect(paid.full_order_info.pay_info.payment).toBe('58.13');
    expect(ok(normalizeYouzanTrade(paid.full_order_info, shop, push))).toEqual({
      eventId: eventIdOf(orderKey, 'PAID', occurredAt),
      orderKey,
      channel: 'youzan',
      shopId: 'yz-main',
      brand: 'Omni Apparel',
      channelOrderId: 'E20251111000005073500004',
      status: 'PAID',
      channelStatus: 'WAIT_SELLER_SEND_GOODS',
      occurredAt,
      receivedAt: 1_762_790_500_123,
      currency: 'CNY',
      totalMinor: 2 * 1999 + 10 + 3 * 435 + 500,
      lines: [
        { sku: 'TEE-RED-M', quantity: 2, unitPriceMinor: 1999, itemId: '500000000', skuId: '36612345' },
        { sku: 'sku-36612399', quantity: 1, unitPriceMinor: 10, itemId: '500000001', skuId: '36612399' },
        { sku: 'MUG-01', quantity: 3, unitPriceMinor: 435, itemId: '500000777', skuId: '500000777' },
      ],
      buyerCountry: 'CN',
      buyerProvince: '广东省',
      buyerCity: '深圳市',
      presale: true,
    });
  });

  it("carries Youzan's item_id and sku_id as the line's itemId and skuId (the item id for items without SKUs; null when absent)", () => {
    const lines = toOrderLines([
      { oid: 1, item_id: 500000777, sku_id: 36612345, outer_sku_id: 'A', num: 1, price: '1.00' },
      { oid: 2, item_id: '500000778', sku_id: 0, outer_sku_id: 'B', num: 1, price: '1.00' },
      { oid: 3, outer_sku_id: 'C', num: 1, price: '1.00' },
    ]);
    expect(lines).toMatchObject({
      ok: true,
      value: [
        { itemId: '500000777', skuId: '36612345' },
        { itemId: '500000778', skuId: '500000778' },
        { itemId: null, skuId: null },
      ],
    });
  });

  it('never lets buyer or receiver data through', () => {
    const envelope = youzanEnvelope(paid, 'trade_TradeBuyerPay', { clientId: CLIENT_ID, kdtId: 41566520 });
    expect(decodeYouzanMsg(envelope.msg)).toContain(SIM_PII.receiverTel); // the input really carries it
    const json = JSON.stringify([normalizeYouzanTrade(paid.full_order_info, shop, push), ...normalizeYouzan(envelope, shop, push)]);
    for (const pii of Object.values(SIM_PII)) expect(json).not.toContain(pii);
    expect(json).not.toContain('余杭区');
  });

  it('refuses malformed money, time and quantities with a reason', () => {
    const info = paid.full_order_info;
    const withPay = (payment: string) => normalizeYouzanTrade({ ...info, pay_info: { ...info.pay_info, payment } }, shop, push);
    expect(withPay('57,36')).toEqual({ ok: false, reason: 'pay_info.payment: malformed yuan amount "57,36"' });
    expect(withPay('1.005')).toEqual({ ok: false, reason: 'pay_info.payment: "1.005" has more than 2 decimal places' });
    expect(withPay('-1.00').ok).toBe(false);
    const withTime = (t: string) => normalizeYouzanTrade({ ...info, order_info: { ...info.order_info, update_time: t } }, shop, push);
    expect(withTime('2025-11-11T00:01:30+08:00').ok).toBe(false);
    expect(withTime('2025-02-30 00:00:00')).toEqual({ ok: false, reason: 'order_info.update_time is not a real date: "2025-02-30 00:00:00"' });
    const badQty = { ...info, orders: [{ ...info.orders![0]!, num: 0 }] };
    expect(normalizeYouzanTrade(badQty, shop, push)).toEqual({ ok: false, reason: 'orders[0].num is not a positive integer: 0' });
    const noSku = { ...info, orders: [{ oid: '1', num: 1, price: '1.00', sku_id: 0, outer_sku_id: '' }] };
    expect(normalizeYouzanTrade(noSku, shop, push)).toEqual({ ok: false, reason: 'orders[0] (oid 1) has no sku or item id' });
  });

  it('exact money: 4.35 and 1.13 yuan where floats fail', () => {
    expect(Math.round(parseFloat('1.005') * 100)).toBe(100);
    expect(yuanToFen('x', '4.35')).toEqual({ ok: true, value: 435 });
    expect(yuanToFen('x', '1.13')).toEqual({ ok: true, value: 113 });
    expect(yuanToFen('x', '100')).toEqual({ ok: true, value: 10000 });
    expect(yuanToFen('x', '0.10')).toEqual({ ok: true, value: 10 });
  });

  it('China wall-clock time round-trips', () => {
    expect(parseChinaTime('t', '2018-10-16 21:41:11')).toEqual({ ok: true, value: Date.parse('2018-10-16T13:41:11Z') });
    expect(formatChinaTime(Date.parse('2018-10-16T13:41:11.999Z'))).toBe('2018-10-16 21:41:11');
  });
});

describe('normalizeYouzanPush', () => {
  it("maps the example push quoted from Youzan's docs (trade_TradePaid, tid E20181016214101073500004)", () => {
    // Hand-copied from the example in yuyan2077/youzanyunpay server/server.go, not the simulator.
    const docsExample = youzanPushSchema.parse({
      msg: '%7B%22full_order_info%22%3A%7B%22remark_info%22%3A%7B%22buyer_message%22%3A%22%22%7D%2C%22pay_info%22%3A%7B%22outer_transactions%22%3A%5B%224200000168201810166190128957%22%5D%2C%22post_fee%22%3A%220.00%22%2C%22total_fee%22%3A%220.01%22%2C%22payment%22%3A%220.01%22%2C%22transaction%22%3A%5B%22181016214103000041%22%5D%7D%2C%22source_info%22%3A%7B%22is_offline_order%22%3Afalse%2C%22source%22%3A%7B%22platform%22%3A%22wx%22%2C%22wx_entrance%22%3A%22direct_buy%22%7D%7D%2C%22order_info%22%3A%7B%22consign_time%22%3A%7B%7D%2C%22order_extra%22%3A%7B%22is_from_cart%22%3A%22false%22%7D%2C%22created%22%3A%222018-10-16+21%3A41%3A01%22%2C%22status_str%22%3A%22%E5%B7%B2%E6%94%AF%E4%BB%98%22%2C%22expired_time%22%3A%222018-10-16+22%3A11%3A01%22%2C%22success_time%22%3A%7B%7D%2C%22type%22%3A6%2C%22tid%22%3A%22E20181016214101073500004%22%2C%22confirm_time%22%3A%7B%7D%2C%22pay_time%22%3A%222018-10-16+21%3A41%3A10%22%2C%22update_time%22%3A%222018-10-16+21%3A41%3A11%22%2C%22is_retail_order%22%3Afalse%2C%22pay_type%22%3A10%2C%22team_type%22%3A1%2C%22refund_state%22%3A0%2C%22close_type%22%3A0%2C%22status%22%3A%22TRADE_PAID%22%2C%22express_type%22%3A9%2C%22order_tags%22%3A%7B%22is_payed%22%3Atrue%2C%22is_secured_transactions%22%3Atrue%7D%7D%7D%7D',
      kdt_name: '自由工作室',
      test: false,
      sign: '060c5501ca10ac01170525fc8e07da67',
      sendCount: 3,
      type: 'trade_TradePaid',
      version: 1539697271,
      client_id: 'd3ccc77bb8b5bf4e08',
      mode: 1,
      kdt_id: 41566520,
      id: 'E20181016214101073500004',
      msg_id: '59b2499c-59d7-4f94-8406-8b013318fac1',
      status: 'PAID',
    });
    const event = ok(normalizeYouzanPush(docsExample, shop, push));
    expect(event).toMatchObject({
      channelOrderId: 'E20181016214101073500004',
      status: 'PAID',
      channelStatus: 'TRADE_PAID',
      occurredAt: Date.parse('2018-10-16T13:41:11Z'),
      totalMinor: 1,
      lines: [], // this message type carries no orders[]
      buyerProvince: null,
      buyerCity: null,
      presale: false,
    });
  });

  it('a slim push (no orders, no address) still yields the status; the full push adds lines and region', () => {
    const slim = youzanEnvelope(paid, 'trade_TradePaid', { clientId: CLIENT_ID, kdtId: 41566520, slim: true });
    expect(ok(normalizeYouzanPush(slim, shop, push))).toMatchObject({ status: 'PAID', lines: [], buyerProvince: null, totalMinor: 5813 });
    const full = youzanEnvelope(paid, 'trade_TradeBuyerPay', { clientId: CLIENT_ID, kdtId: 41566520 });
    expect(ok(normalizeYouzanPush(full, shop, push))).toMatchObject({
      status: 'PAID',
      buyerProvince: '广东省',
      lines: expect.arrayContaining([expect.objectContaining({ sku: 'TEE-RED-M' })]),
    });
  });

  it('refuses test messages, other shops, other apps, non-trade messages, and a tid mismatch', () => {
    const env = (o: Partial<Parameters<typeof youzanEnvelope>[2]> = {}) =>
      youzanEnvelope(paid, 'trade_TradeBuyerPay', { clientId: CLIENT_ID, kdtId: 41566520, ...o });
    expect(normalizeYouzanPush(env({ test: true }), shop, push)).toEqual({
      ok: false,
      reason: 'Youzan test message (type trade_TradeBuyerPay): acknowledged, no order in it',
    });
    expect(normalizeYouzanPush(env({ kdtId: 123 }), shop, push)).toEqual({ ok: false, reason: 'kdt_id 123 is not this shop (41566520)' });
    expect(normalizeYouzanPush(env({ clientId: 'other' }), shop, push)).toEqual({ ok: false, reason: 'client_id other is not this app' });
    expect(normalizeYouzanPush({ ...env(), type: 'SCRM_CUSTOMER_CARD', msg: '%7B%22card_no%22%3A%221%22%7D' }, shop, push).ok).toBe(false);
    expect(normalizeYouzanPush({ ...env(), msg: '%7B' }, shop, push)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^msg is not URL-encoded JSON/),
    });
    expect(normalizeYouzanPush({ ...env(), id: 'E1' }, shop, push)).toEqual({
      ok: false,
      reason: 'msg tid E20251111000005073500004 differs from envelope id E1',
    });
  });

  it('end to end: verify, schema, normalize, ack', () => {
    const delivery = toInboundPush(
      youzanPush(youzanEnvelope(paid, 'trade_TradeBuyerPay', { clientId: CLIENT_ID, kdtId: 41566520 }), shop.secret),
      push.receivedAt,
    );
    expect(youzan.verify(delivery, shop)).toEqual({ ok: true, value: undefined });
    const parsed = youzan.payloadSchema.parse(JSON.parse(delivery.rawBody.toString('utf8')));
    expect(youzan.normalize(parsed, shop, delivery)).toMatchObject([{ ok: true, value: { status: 'PAID' } }]);
    expect(youzan.ackBody?.()).toEqual({ code: 0, msg: 'success' });
    expect(youzan.verify(delivery, { ...shop, credentials: {} })).toEqual({ ok: false, reason: 'youzan shop yz-main: credentials.clientId is not configured' });
  });
});

describe('payload schema', () => {
  const env = youzanEnvelope(paid, 'trade_TradeBuyerPay', { clientId: CLIENT_ID, kdtId: 41566520 });
  it.each([
    ['kdt_id as a string', { ...env, kdt_id: '41566520' }],
    ['msg as an object', { ...env, msg: { full_order_info: {} } }],
    ['test as a string', { ...env, test: 'false' }],
    ['a trade with a numeric payment', { full_order_info: { ...paid.full_order_info, pay_info: { payment: 57.36 } } }],
    ['a trade without order_info.tid', { full_order_info: { ...paid.full_order_info, order_info: { ...paid.full_order_info.order_info, tid: undefined } } }],
    ['a line with a string num', { full_order_info: { ...paid.full_order_info, orders: [{ ...paid.full_order_info.orders![0]!, num: '2' }] } }],
  ])('rejects %s', (_n, value) => {
    expect(youzanPayloadSchema.safeParse(value).success).toBe(false);
  });

  it('accepts unknown fields', () => {
    expect(youzanPayloadSchema.safeParse({ ...env, brand_new: 1 }).success).toBe(true);
  });
});
