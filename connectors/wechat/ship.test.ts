import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWechatOrder, SIM_DELIVERY_IDS, SIM_ERRORS, startWechatSimulator, type WechatSimulator } from '../../simulators/wechat/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { wechatDeliveryIds } from './carriers.js';
import { wechat } from './index.js';
import { WECHAT_ERRCODES, wechatErrorResult } from './ship.js';

const APP = { appId: 'wxsimappid000002', appSecret: 'sim-app-secret-ship' };
let sim: WechatSimulator;
let shop: ShopConfig;
let next = 0;

/** A fresh order awaiting shipment (20 待发货) with two products; ids above 2^53, as WeChat's are. */
function paidOrder(status = 20): string {
  const orderId = `37046123545597${String(50000 + next++)}`;
  const created = Math.floor(Date.now() / 1000) - 3600;
  sim.upsertOrder(
    makeWechatOrder({
      orderId,
      status,
      createTime: created,
      updateTime: created + 60,
      lines: [
        { skuId: '4234201', skuCode: 'SKU-A', count: 2, salePrice: 990 },
        { skuId: '4234202', skuCode: 'SKU-B', count: 1, salePrice: 1990 },
      ],
    }),
  );
  return orderId;
}
const notice = (orderId: string, carrier: ShipmentNotice['carrier'] = 'SF'): ShipmentNotice => ({
  channelOrderId: orderId,
  carrier,
  waybillNo: 'SF1500000000001',
  shippedAt: Date.now(),
});

beforeAll(async () => {
  sim = await startWechatSimulator(APP);
  shop = {
    channel: 'wechat',
    shopId: 'wx-flagship',
    brand: 'Omni',
    secret: 'push-token',
    endpoint: sim.url,
    credentials: { appId: APP.appId, encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', appSecret: APP.appSecret },
  };
});
afterAll(() => sim.close());

describe('WeChat carrier table', () => {
  it('maps every carrier to a documented delivery_id', () => {
    expect(wechatDeliveryIds).toEqual({ SF: 'SF', ZTO: 'ZTO', YTO: 'YTO', JD: 'JD' });
    expect(Object.keys(wechatDeliveryIds).sort()).toEqual([...CARRIERS].sort());
    for (const id of Object.values(wechatDeliveryIds)) expect(SIM_DELIVERY_IDS.has(id)).toBe(true);
  });
});

describe('ship() against the WeChat simulator', () => {
  it('sends one parcel with every product of the order, authenticated by a fetched access_token', async () => {
    const orderId = paidOrder();
    const before = sim.shipments.length;
    expect(await wechat.ship!(shop, notice(orderId, 'JD'))).toEqual({ ok: true });
    expect(sim.shipments.slice(before)).toEqual([
      {
        orderId,
        deliveryId: 'JD',
        waybillId: 'SF1500000000001',
        products: [
          { product_id: '100000000', sku_id: '4234201', product_cnt: 2 },
          { product_id: '100000001', sku_id: '4234202', product_cnt: 1 },
        ],
      },
    ]);
  });

  it('a repeat is ok and sends nothing more', async () => {
    const orderId = paidOrder();
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({ ok: true });
    const sends = sim.calls.filter((c) => c.path === '/channels/ec/order/delivery/send').length;
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({ ok: true });
    expect(sim.calls.filter((c) => c.path === '/channels/ec/order/delivery/send').length).toBe(sends);
  });

  it('pull() afterwards returns the order shipped', async () => {
    const orderId = paidOrder();
    const from = new Date(Date.now() - 2_000);
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({ ok: true });
    const statuses: string[] = [];
    for await (const order of wechat.pull!(shop, { from, to: new Date(Date.now() + 2_000) })) {
      for (const event of wechat.normalize(wechat.payloadSchema.parse(order), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 })) {
        if (event.ok && event.value.channelOrderId === orderId) statuses.push(event.value.status);
      }
    }
    expect(statuses).toEqual(['SHIPPED']);
  });

  it('server errors and the minute quota are retryable, then the call succeeds', async () => {
    const orderId = paidOrder();
    sim.failNext('server-error');
    sim.failNext('rate-limit');
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({
      ok: false,
      retryable: true,
      reason: 'WeChat /channels/ec/order/delivery/send answered HTTP 503',
    });
    expect(await wechat.ship!(shop, notice(orderId))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('45011') });
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({ ok: true });
  });

  it('a revoked token is retryable when we fetch tokens ourselves, not with a fixed one', async () => {
    const orderId = paidOrder();
    const fixed = { ...shop, credentials: { ...shop.credentials, accessToken: 'SIM_ACCESS_TOKEN_stale' } };
    expect(await wechat.ship!(fixed, notice(orderId))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('40001') });
    expect(await wechat.ship!(shop, notice(orderId))).toEqual({ ok: true });
  });

  it('unknown, unpaid or cancelled orders and a wrong app secret are not retryable', async () => {
    expect(await wechat.ship!(shop, notice('3704612354559799999'))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining(String(SIM_ERRORS.notFound.errcode)),
    });
    expect(await wechat.ship!(shop, notice(paidOrder(10)))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('status 10') });
    expect(await wechat.ship!(shop, notice(paidOrder(250)))).toMatchObject({ ok: false, retryable: false });
    expect(await wechat.ship!({ ...shop, credentials: { ...shop.credentials, appSecret: 'wrong' } }, notice(paidOrder()))).toMatchObject({
      ok: false,
      retryable: false,
    });
  });

  it('an unreachable platform is retryable', async () => {
    expect(await wechat.ship!({ ...shop, endpoint: 'http://127.0.0.1:9' }, notice(paidOrder()))).toMatchObject({ ok: false, retryable: true });
  });
});

describe('wechatErrorResult (error mapping)', () => {
  it.each([
    [WECHAT_ERRCODES.busy, true, { ok: false, retryable: true }],
    [WECHAT_ERRCODES.dailyQuota, false, { ok: false, retryable: true }],
    [WECHAT_ERRCODES.expiredToken, true, { ok: false, retryable: true }],
    [WECHAT_ERRCODES.expiredToken, false, { ok: false, retryable: false }],
    [WECHAT_ERRCODES.alreadyShipped, true, { ok: false, code: String(WECHAT_ERRCODES.alreadyShipped) }],
    [WECHAT_ERRCODES.invalidArgs, true, { ok: false, retryable: false }],
  ] as const)('errcode %i (token fetched: %s) → %j', (errcode, fetched, expected) => {
    expect(wechatErrorResult('msg', errcode, fetched)).toMatchObject(expected);
  });
});
