import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeituanSimulator, meituanFieldsPush, startMeituanSimulator, toInboundPush, withStatus } from '../../simulators/meituan/index.js';
import type { ShopConfig } from '../contract.js';
import { meituan } from './index.js';
import { meituanUnfillable } from './unfillable.js';

const APP_ID = '4603';
const SECRET = 'mt-cancel-secret';
const POI = 'poi-cancel';
const PUSH_URL = 'https://hub.example/cb/meituan';
let sim: MeituanSimulator;
let shop: ShopConfig;
let next = 0;

const notice = (orderId: string) => ({ channelOrderId: orderId, reason: '缺货无法履约 (out of stock)', idempotencyKey: `cancel-${orderId}` });

/** A fresh paid order (status 2) from a fresh listing. */
function paidOrder(): string {
  const itemId = `SPU-C${next}`;
  const skuId = `SKU-C${next++}`;
  sim.listings.put(itemId, skuId, 5);
  return sim.sell(itemId, skuId, 1)!;
}

/** The order as reconciliation sees it: pull over HTTP (day sequences, order details), then normalize. */
async function pulled(orderId: string) {
  const now = Date.now();
  for await (const record of meituan.pull!(shop, { from: new Date(now - 3_600_000), to: new Date(now + 60_000) })) {
    if ((record as { order_id?: string }).order_id !== orderId) continue;
    const [event] = meituan.normalize(meituan.payloadSchema.parse(record), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: now });
    if (!event?.ok) throw new Error(`order did not normalize: ${event?.ok === false ? event.reason : 'none'}`);
    return event.value;
  }
  throw new Error(`order ${orderId} not pulled`);
}

beforeAll(async () => {
  sim = await startMeituanSimulator({ appId: APP_ID, secret: SECRET, appPoiCode: POI, stockRatePerSecond: 1000 });
  shop = {
    channel: 'meituan',
    shopId: POI,
    brand: 'B',
    secret: SECRET,
    endpoint: sim.apiBase,
    credentials: { appId: APP_ID, appPoiCode: POI, pushUrl: PUSH_URL, stockTimeoutMs: '1000' },
  };
});
afterAll(async () => sim.close());

describe('meituanUnfillable against the Meituan simulator', () => {
  it('is the connector’s unfillable API: the merchant’s cancellation', () => {
    expect(meituan.unfillable).toBe(meituanUnfillable);
    expect(meituanUnfillable.action).toBe('CANCEL');
    expect(meituanUnfillable.source).toContain('order/cancel');
  });

  it('cancels a paid order with the reason, signed; pull then returns it cancelled, and the cancellation push ingests', async () => {
    const orderId = paidOrder();
    expect(await pulled(orderId)).toMatchObject({ status: 'PAID' });
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: false } });
    const [cancellation] = sim.cancellations.filter((c) => c.orderId === orderId);
    expect(cancellation).toMatchObject({ orderId, reason: '缺货无法履约 (out of stock)', reasonCode: null });
    expect(sim.order(orderId)?.status).toBe('9');
    expect(await pulled(orderId)).toMatchObject({ status: 'CANCELLED', channelStatus: '9' });
    // What Meituan would push for it goes through the connector's own verify and normalize.
    const push = toInboundPush(meituanFieldsPush(cancellation!.push, { appId: APP_ID, secret: SECRET, pushUrl: PUSH_URL }), Date.now());
    expect(meituan.verify(push, shop)).toEqual({ ok: true });
    const decoded = meituan.decode!(push, shop);
    if (!decoded.ok) throw new Error(decoded.reason);
    const [event] = meituan.normalize(meituan.payloadSchema.parse(JSON.parse(decoded.value)), shop, push);
    expect(event).toMatchObject({ ok: true, value: { status: 'CANCELLED', channelOrderId: orderId } });
    // Listing stock stays where the sale left it.
    expect(sim.listings.all().find((l) => l.itemId === `SPU-C${next - 1}`)?.quantity).toBe(4);
  });

  it('sends reason_code when the shop configures one', async () => {
    const orderId = paidOrder();
    const coded = { ...shop, credentials: { ...shop.credentials, cancelReasonCode: '2007' } };
    expect(await meituanUnfillable.tell(coded, notice(orderId))).toMatchObject({ ok: true });
    expect(sim.cancellations.find((c) => c.orderId === orderId)).toMatchObject({ reasonCode: '2007' });
  });

  it('answers an order cancelled already (a retry, or the buyer) as done, cancelling nothing more', async () => {
    const orderId = paidOrder();
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    expect(sim.cancellations.filter((c) => c.orderId === orderId)).toHaveLength(1);
  });

  it('refuses an order a rider picked up, or a completed one, as not_cancellable, not retryable', async () => {
    const picked = paidOrder();
    sim.upsertOrder(withStatus(sim.order(picked)!, '4', new Date(), '20'));
    expect(await meituanUnfillable.tell(shop, notice(picked))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    const completed = paidOrder();
    sim.upsertOrder(withStatus(sim.order(completed)!, '8', new Date()));
    expect(await meituanUnfillable.tell(shop, notice(completed))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
    expect(sim.cancellations.filter((c) => c.orderId === picked || c.orderId === completed)).toEqual([]);
    expect(await pulled(picked)).toMatchObject({ status: 'SHIPPED' });
  });

  it('maps an unknown order (808) to not_found, not retryable', async () => {
    expect(await meituanUnfillable.tell(shop, notice('27062999999999999'))).toMatchObject({ ok: false, code: 'not_found', retryable: false });
  });

  it('maps the rate-limit answer to rate_limited and a 502 to retryable; the retry then cancels once', async () => {
    const orderId = paidOrder();
    sim.failNextCancel('rate-limit');
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, code: 'rate_limited', retryable: true });
    sim.failNextCancel('server-error');
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 502') });
    expect(sim.order(orderId)?.status).toBe('2');
    expect(await meituanUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(sim.cancellations.filter((c) => c.orderId === orderId)).toHaveLength(1);
  });

  it('a wrong secret is refused (703, bad sig) and a wrong app_id (702): not retryable, nothing cancelled', async () => {
    const orderId = paidOrder();
    expect(await meituanUnfillable.tell({ ...shop, secret: 'not-the-secret' }, notice(orderId))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('703'),
    });
    const otherApp = { ...shop, credentials: { ...shop.credentials, appId: '9999' } };
    expect(await meituanUnfillable.tell(otherApp, notice(orderId))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('702') });
    expect(sim.order(orderId)?.status).toBe('2');
  });
});
