import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWechatOrder, startWechatSimulator, type WechatSimulator } from '../../simulators/wechat/index.js';
import type { ShopConfig } from '../contract.js';
import { wechat } from './index.js';
import { GEN_AFTERSALE_PATH, wechatUnfillable } from './unfillable.js';

const APP_ID = 'wx00000000cancel01';
const APP_SECRET = 'sim-app-secret-cancel';
let sim: WechatSimulator;
let shop: ShopConfig;
let next = 0;

const notice = (orderId: string, key = `refund-${orderId}`) => ({ channelOrderId: orderId, reason: '缺货 (no stock for SKU-A)', idempotencyKey: key });

/** A fresh order in `status` with `lines` lines (2 units of 19.90 each), stored on the simulator. */
function order(status = 20, lines = 1): string {
  const orderId = String(3_730_000_000_000_000_000n + BigInt(next++));
  const now = Math.floor(Date.now() / 1000);
  sim.upsertOrder(
    makeWechatOrder({
      orderId,
      status,
      createTime: now - 600,
      updateTime: now - 300,
      lines: Array.from({ length: lines }, (_, i) => ({ productId: `1000012345${i}`, skuId: `2000012345${i}`, count: 2, salePrice: 1990 })),
    }),
  );
  return orderId;
}

/** The order as reconciliation sees it: pull over HTTP, then normalize. */
async function pulled(orderId: string) {
  const now = Date.now();
  for await (const payload of wechat.pull!(shop, { from: new Date(now - 3_600_000), to: new Date(now + 60_000) })) {
    const parsed = wechat.payloadSchema.parse(payload);
    if (!('order_id' in parsed) || String(parsed.order_id) !== orderId) continue;
    const [event] = wechat.normalize(parsed, shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: now });
    if (!event?.ok) throw new Error(`order did not normalize: ${event?.ok === false ? event.reason : 'none'}`);
    return event.value;
  }
  throw new Error(`order ${orderId} not pulled`);
}

beforeAll(async () => {
  sim = await startWechatSimulator({ appId: APP_ID, appSecret: APP_SECRET, stockPerListingPerSecond: 1000, stockRatePerSecond: 1000 });
  shop = {
    channel: 'wechat',
    shopId: 'wx-cancel',
    brand: 'Omni',
    secret: 'push-token',
    endpoint: sim.url,
    credentials: { appId: APP_ID, appSecret: APP_SECRET, encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', stockTimeoutMs: '1000' },
  };
});
afterAll(() => sim.close());

describe('wechatUnfillable against the WeChat simulator', () => {
  it('is the connector’s unfillable API: a refund after-sale opened for the buyer', () => {
    expect(wechat.unfillable).toBe(wechatUnfillable);
    expect(wechatUnfillable.action).toBe('REFUND');
    expect(wechatUnfillable.source).toContain('genaftersaleorder');
  });

  it('opens one refund-only after-sale per line with reason 缺货; pull shows it refunding, then refunded once WeChat pays back', async () => {
    const orderId = order(20, 2);
    expect(await pulled(orderId)).toMatchObject({ status: 'PAID' });
    const result = await wechatUnfillable.tell(shop, notice(orderId));
    const mine = sim.aftersales.filter((a) => a.orderId === orderId);
    expect(result).toEqual({ ok: true, value: { platformRef: mine.map((a) => a.aftersaleId).join(','), alreadyDone: false } });
    expect(mine).toEqual([
      expect.objectContaining({
        requestId: `refund-${orderId}:0`,
        productId: '10000123450',
        skuId: '20000123450',
        count: 2,
        amount: 3980,
        reason: '10000001',
        type: 'REFUND',
        desc: '缺货 (no stock for SKU-A)',
      }),
      expect.objectContaining({ requestId: `refund-${orderId}:1`, productId: '10000123451', skuId: '20000123451', count: 2, amount: 3980 }),
    ]);
    expect(await pulled(orderId)).toMatchObject({ status: 'REFUNDING', channelStatus: '20/aftersale' });
    for (const a of mine) expect(sim.completeRefund(a.aftersaleId)).toBe(true);
    expect(sim.order(orderId)?.status).toBe(200);
    expect(await pulled(orderId)).toMatchObject({ status: 'REFUNDED', channelStatus: '200' });
  });

  it('answers an order already under after-sale for every line, or cancelled, as done, opening nothing more', async () => {
    const orderId = order();
    expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(await wechatUnfillable.tell(shop, notice(orderId, 'another-key'))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    const cancelled = order(250);
    expect(await wechatUnfillable.tell(shop, notice(cancelled))).toEqual({ ok: true, value: { platformRef: null, alreadyDone: true } });
    expect(sim.aftersales.filter((a) => a.orderId === orderId || a.orderId === cancelled)).toHaveLength(1);
  });

  it('refuses a shipped, partly shipped or completed order as not_cancellable, not retryable', async () => {
    for (const status of [30, 21, 100]) {
      const orderId = order(status);
      expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, code: 'not_cancellable', retryable: false });
      expect(sim.aftersales.filter((a) => a.orderId === orderId)).toEqual([]);
    }
    const shipped = order(30);
    expect(await pulled(shipped)).toMatchObject({ status: 'SHIPPED' });
  });

  it('maps an unknown order (100002) to not_found, not retryable', async () => {
    expect(await wechatUnfillable.tell(shop, notice('3739999999999999999'))).toMatchObject({ ok: false, code: 'not_found', retryable: false });
  });

  it('maps the minute quota to rate_limited and a 503 to retryable; the retry with the same key opens one after-sale', async () => {
    const orderId = order();
    sim.failNextAftersale('rate-limit');
    expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, code: 'rate_limited', retryable: true });
    sim.failNextAftersale('server-error');
    expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(sim.order(orderId)?.aftersale_detail?.on_aftersale_order_cnt).toBe(0);
    expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: true, value: { alreadyDone: false } });
    expect(sim.aftersales.filter((a) => a.orderId === orderId)).toHaveLength(1);
  });

  it('a retry after a lost answer opens only the lines not opened yet: the order shows the first under after-sale', async () => {
    const orderId = order(20, 2);
    const before = sim.calls.filter((c) => c.path === GEN_AFTERSALE_PATH).length;
    sim.failNextAftersale('lost-answer');
    expect(await wechatUnfillable.tell(shop, notice(orderId))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(sim.aftersales.filter((a) => a.orderId === orderId)).toHaveLength(1);
    const retried = await wechatUnfillable.tell(shop, notice(orderId));
    const mine = sim.aftersales.filter((a) => a.orderId === orderId);
    expect(mine.map((a) => a.requestId)).toEqual([`refund-${orderId}:0`, `refund-${orderId}:1`]);
    expect(retried).toEqual({ ok: true, value: { platformRef: mine[1]!.aftersaleId, alreadyDone: false } });
    expect(sim.calls.filter((c) => c.path === GEN_AFTERSALE_PATH).length - before).toBe(2);
  });

  it('a wrong app secret gets no token, and a revoked token is refused (40001): not retryable, nothing opened', async () => {
    const orderId = order();
    expect(
      await wechatUnfillable.tell({ ...shop, shopId: 'wx-wrong', credentials: { ...shop.credentials, appSecret: 'wrong' } }, notice(orderId)),
    ).toMatchObject({
      ok: false,
      retryable: false,
    });
    const stale = { ...shop, credentials: { ...shop.credentials, accessToken: 'SIM_ACCESS_TOKEN_revoked' } };
    expect(await wechatUnfillable.tell(stale, notice(orderId))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('40001') });
    expect(sim.aftersales.filter((a) => a.orderId === orderId)).toEqual([]);
  });
});
