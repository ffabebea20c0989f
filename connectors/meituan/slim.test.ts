import { describe, expect, it } from 'vitest';
import {
  cancellationFields,
  logisticsFields,
  meituanFieldsPush,
  refundFields,
  refundStatusFields,
  SIM_PII,
  toInboundPush,
} from '../../simulators/meituan/index.js';
import { eventIdOf, orderKeyOf, type ShopConfig, withDetailMarked } from '../contract.js';
import { meituan } from './index.js';
import { meituanPushKind } from './push-kind.js';
import { slimStatusMap, statusMap } from './status-map.js';

const SECRET = 'mt-secret';
const PUSH_URL = 'https://hub.example.com/webhooks/meituan/store-77';
const shop: ShopConfig = { channel: 'meituan', shopId: 'store-77', brand: 'Omni Noodles', secret: SECRET, credentials: { appId: '4600', pushUrl: PUSH_URL } };
const ORDER = '27061900338318741';
const NOW = Date.parse('2025-11-11T12:00:00+08:00');
const SENT = Math.floor(NOW / 1000) - 2; // the signed timestamp parameter

function deliver(fields: Record<string, string>, opts: { secret?: string; receivedAt?: number } = {}) {
  return toInboundPush(meituanFieldsPush(fields, { appId: '4600', secret: opts.secret ?? SECRET, pushUrl: PUSH_URL, timestamp: SENT }), opts.receivedAt ?? NOW);
}

/** The gateway's path: verify (401) → decode → payloadSchema (400) → normalize (event or dead letter). */
function ingest(fields: Record<string, string>) {
  const push = deliver(fields);
  const verified = meituan.verify(push, shop);
  if (!verified.ok) return { http: 401 as const, reason: verified.reason };
  const json = meituan.decode!(push, shop);
  if (!json.ok) return { http: 400 as const, reason: json.reason };
  const parsed = meituan.payloadSchema.safeParse(JSON.parse(json.value));
  if (!parsed.success) return { http: 400 as const, reason: parsed.error.message };
  const results = meituan.normalize(parsed.data, shop, push);
  expect(results).toHaveLength(1);
  return { http: 200 as const, result: results[0]! };
}

function event(fields: Record<string, string>) {
  const out = ingest(fields);
  if (out.http !== 200) throw new Error(`HTTP ${out.http}: ${out.reason}`);
  if (!out.result.ok) throw new Error(out.result.reason);
  return out.result.value;
}

const orderKey = orderKeyOf('meituan', 'store-77', ORDER);
const STATUS_ONLY = {
  lines: [],
  totalMinor: 0,
  buyerCountry: 'CN',
  buyerProvince: null,
  buyerCity: null,
  presale: false,
  detail: 'STATUS_ONLY',
  currency: 'CNY',
};

describe('Meituan slim pushes → STATUS_ONLY events', () => {
  it('a cancellation (order_id, reason_code, reason) is CANCELLED at the signed timestamp', () => {
    const e = event(cancellationFields(ORDER, '2007', '商家取消', '2'));
    expect(e).toEqual({
      ...STATUS_ONLY,
      eventId: `${eventIdOf(orderKey, 'CANCELLED', SENT * 1000)}-s`,
      orderKey,
      channel: 'meituan',
      shopId: 'store-77',
      brand: 'Omni Noodles',
      channelOrderId: ORDER,
      status: 'CANCELLED',
      channelStatus: 'cancel',
      occurredAt: SENT * 1000,
      receivedAt: NOW,
    });
    // What the gateway does to it changes nothing: it is already marked.
    expect(withDetailMarked(e)).toEqual(e);
  });

  it.each([
    ['apply', 'refund/apply', 'REFUNDING'],
    ['agree', 'refund/agree', 'REFUNDED'],
  ] as const)('a full refund push with notify_type=%s is %s → %s', (notifyType, channelStatus, status) => {
    const e = event(refundFields(ORDER, notifyType, new Date(NOW - 600_000)));
    expect(e).toMatchObject({ ...STATUS_ONLY, status, channelStatus, channelOrderId: ORDER, occurredAt: SENT * 1000 });
  });

  it('a partial refund push (money, food) is REFUNDING, also once agreed', () => {
    const partial = { money: '25.5', food: '[{"app_food_code":"NOODLE","count":1,"refund_price":25.5}]' };
    expect(event(refundFields(ORDER, 'apply', new Date(NOW), partial))).toMatchObject({ status: 'REFUNDING', channelStatus: 'partrefund/apply' });
    expect(event(refundFields(ORDER, 'agree', new Date(NOW), partial))).toMatchObject({
      status: 'REFUNDING',
      channelStatus: 'partrefund/agree',
      ...STATUS_ONLY,
    });
  });

  it("a return-flow store's refund push (after-sale status, no notify_type) is REFUNDING when filed", () => {
    const fields = refundFields(ORDER, 'apply', new Date(NOW));
    delete fields.notify_type;
    delete fields.res_type;
    expect(event({ ...fields, status: '1', service_type: '1' })).toMatchObject({ status: 'REFUNDING', channelStatus: 'refund/aftersale-1' });
  });

  it.each([
    ['3', 'REFUNDED'],
    ['13', 'REFUNDING'],
  ] as const)('a refund result push refund_status=%s → %s, at its utime', (refundStatus, status) => {
    const updated = new Date(NOW - 30_000);
    const e = event(refundStatusFields(ORDER, refundStatus, new Date(NOW - 600_000), updated));
    expect(e).toMatchObject({
      ...STATUS_ONLY,
      status,
      channelStatus: `refund_status/${refundStatus}`,
      occurredAt: Math.floor(updated.getTime() / 1000) * 1000,
    });
  });

  it.each([
    ['5', 'ALLOCATED'],
    ['10', 'ALLOCATED'],
    ['15', 'ALLOCATED'],
    ['20', 'SHIPPED'],
    ['40', 'DELIVERED'],
  ] as const)('a delivery status push logistics_status=%s → %s, at its time field', (logistics, status) => {
    const at = new Date(NOW - 45_000);
    const e = event(logisticsFields(ORDER, logistics, at));
    expect(e).toMatchObject({ ...STATUS_ONLY, status, channelStatus: `logistics/${logistics}`, occurredAt: Math.floor(at.getTime() / 1000) * 1000 });
  });

  it('the slim delivery map agrees with the order table (status 4 rows)', () => {
    for (const [key, status] of Object.entries(slimStatusMap)) {
      if (key.startsWith('logistics/')) expect(statusMap[`4/${key.slice('logistics/'.length)}`]).toBe(status);
    }
  });

  it('lets no rider or reason text through', () => {
    const text = JSON.stringify([event(logisticsFields(ORDER, '20', new Date(NOW))), event(cancellationFields(ORDER, '1002', '不想要了-测试原因'))]);
    for (const value of [SIM_PII.riderName, SIM_PII.riderPhone, '不想要了-测试原因']) expect(text).not.toContain(value);
  });

  it('gives a repeated delivery of the same push the same event id', () => {
    expect(event(cancellationFields(ORDER)).eventId).toBe(event(cancellationFields(ORDER)).eventId);
  });
});

describe('Meituan slim pushes: authenticity and junk', () => {
  it('still requires a valid signature', () => {
    const forged = deliver(cancellationFields(ORDER), { secret: 'not-the-secret' });
    expect(meituan.verify(forged, shop)).toEqual({ ok: false, reason: 'sig does not match the parameters' });
    const unsigned = deliver(cancellationFields(ORDER));
    delete unsigned.query!.sig;
    expect(meituan.verify(unsigned, shop)).toEqual({ ok: false, reason: 'missing sig parameter' });
    const tampered = meituanFieldsPush(cancellationFields(ORDER), { appId: '4600', secret: SECRET, pushUrl: PUSH_URL, timestamp: SENT });
    tampered.body = tampered.body.replace(/order_id=\d+/, 'order_id=27061900338318742');
    expect(meituan.verify(toInboundPush(tampered, NOW), shop).ok).toBe(false);
  });

  it.each([
    ['no order_id', { reason_code: '1002', reason: 'x' }],
    ['a malformed order_id', { order_id: 'MT-1', reason_code: '1002' }],
    ['order contents without the rest of an order', { order_id: ORDER, total: '10', detail: '[]' }],
  ])('refuses junk (400): %s', (_label, fields) => {
    expect(ingest(fields as Record<string, string>)).toMatchObject({ http: 400 });
  });

  it.each([
    [
      'an unknown shape (reminder-like)',
      { order_id: ORDER, remind_id: '5', remind_time: '1762833600' },
      /^unrecognized Meituan push \(fields: order_id, remind_id, remind_time\)$/,
    ],
    ['a status without contents', { order_id: ORDER, status: '4' }, /^unrecognized Meituan push/],
    [
      'a rejected refund',
      refundFields(ORDER, 'reject', new Date(NOW)),
      /^Meituan refund push "refund\/reject" does not map to a canonical status with confidence$/,
    ],
    ['a withdrawn refund', refundFields(ORDER, 'cancelRefund', new Date(NOW)), /"refund\/cancelRefund" does not map/],
    ['a failed refund', refundStatusFields(ORDER, '4', new Date(NOW), new Date(NOW)), /"refund_status\/4" does not map/],
    ['a delivery only sent (0)', logisticsFields(ORDER, '0', new Date(NOW)), /"logistics\/0" does not map/],
    ['a delivery cancelled (100)', logisticsFields(ORDER, '100', new Date(NOW)), /"logistics\/100" does not map/],
    [
      'a delivery push with a millisecond time',
      { ...logisticsFields(ORDER, '20', new Date(NOW)), time: String(NOW) },
      /^time is not epoch seconds|^time is out of range/,
    ],
  ])('dead-letters %s with a reason (acknowledged, not 400)', (_label, fields, reason) => {
    const out = ingest(fields as Record<string, string>);
    expect(out).toMatchObject({ http: 200, result: { ok: false, reason: expect.stringMatching(reason) } });
  });

  it('never puts field values in an unknown-shape reason', () => {
    const out = ingest({ order_id: ORDER, dispatcher_mobile: SIM_PII.riderPhone, status: '4' });
    expect(JSON.stringify(out)).not.toContain(SIM_PII.riderPhone);
  });
});

describe('meituanPushKind', () => {
  it.each([
    [{ order_id: '1', detail: '[]', total: '1' }, 'order'],
    [{ order_id: '1', refund_status: '3', refund_id: '9', money: '1' }, 'refundStatus'],
    [{ order_id: '1', notify_type: 'apply', refund_id: '9' }, 'refund'],
    [{ order_id: '1', notify_type: 'apply', money: '1' }, 'partRefund'],
    [{ order_id: '1', refund_id: '9', status: '1' }, 'refund'],
    [{ order_id: '1', reason_code: '1002' }, 'cancel'],
    [{ order_id: '1', reason_code: '1002', status: '9' }, 'unknown'],
    [{ order_id: '1', logistics_status: '20', time: '1762833600' }, 'logistics'],
    [{ order_id: '1', logistics_status: '20', status: '4' }, 'unknown'],
    [{ order_id: '1' }, 'unknown'],
  ])('%j → %s', (push, kind) => {
    expect(meituanPushKind(push)).toBe(kind);
  });
});
