import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MeituanSimulator, makeMeituanOrder, SIM_LOGISTICS_PROVIDERS, startMeituanSimulator, withStatus } from '../../simulators/meituan/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { meituanLogisticsProviders } from './carriers.js';
import { meituan } from './index.js';
import { MEITUAN_SHIP_CODES, meituanShipResult } from './ship.js';

const APP_ID = '4601';
const SECRET = 'mt-ship-secret';
let sim: MeituanSimulator;
let shop: ShopConfig;
let next = 0;

/** A fresh order the merchant confirmed (status 4) 30 minutes ago, delivered by the store itself. */
function confirmedOrder(status = '4'): string {
  const orderId = `2706190033831${String(9000 + next++)}`;
  const created = new Date(Date.now() - 30 * 60_000);
  sim.upsertOrder(
    withStatus(
      makeMeituanOrder({ orderId, appPoiCode: 'poi-ship', createdAt: created, lines: [{ sku_id: 'SKU-MT', quantity: 1, price: '12.5' }] }),
      status,
      new Date(created.getTime() + 60_000),
    ),
  );
  return orderId;
}
const notice = (orderId: string, carrier: ShipmentNotice['carrier'] = 'SF'): ShipmentNotice => ({
  channelOrderId: orderId,
  carrier,
  waybillNo: 'SF1600000000001',
  shippedAt: Date.now(),
});

beforeAll(async () => {
  sim = await startMeituanSimulator({ appId: APP_ID, secret: SECRET });
  shop = {
    channel: 'meituan',
    shopId: 'poi-ship',
    brand: 'B',
    secret: SECRET,
    endpoint: sim.apiBase,
    credentials: {
      appId: APP_ID,
      appPoiCode: 'poi-ship',
      pushUrl: 'https://h/cb',
      courierName: '仓库发货组',
      courierPhone: '02100000000',
      storeLatitude: '31.230416',
      storeLongitude: '121.473701',
    },
  };
});
afterAll(async () => sim.close());

describe('Meituan carrier table', () => {
  it('maps SF to 顺丰 and the carriers Meituan does not list to 其他', () => {
    expect(meituanLogisticsProviders).toEqual({ SF: '10001', ZTO: '10017', YTO: '10017', JD: '10017' });
    expect(Object.keys(meituanLogisticsProviders).sort()).toEqual([...CARRIERS].sort());
    for (const code of Object.values(meituanLogisticsProviders)) expect(SIM_LOGISTICS_PROVIDERS.has(code)).toBe(true);
  });
});

describe('ship() against the Meituan simulator', () => {
  it('syncs the waybill as delivery info (status 20), signed like every Meituan call', async () => {
    const orderId = confirmedOrder();
    const before = sim.shipments.length;
    expect(await meituan.ship!(shop, notice(orderId, 'ZTO'))).toEqual({ ok: true });
    expect(sim.shipments.slice(before)).toEqual([
      {
        order_id: orderId,
        third_carrier_order_id: 'SF1600000000001',
        courier_name: '仓库发货组',
        courier_phone: '02100000000',
        logistics_provider_code: '10017',
        logistics_status: '20',
        latitude: '31.230416',
        longitude: '121.473701',
      },
    ]);
  });

  it('a wrong secret gets the signature error (703), not retryable', async () => {
    expect(await meituan.ship!({ ...shop, secret: 'wrong' }, notice(confirmedOrder()))).toEqual({
      ok: false,
      retryable: false,
      reason: 'Meituan ecommerce/order/logistics/sync failed: 703 签名验证错误',
    });
  });

  it('a repeat is accepted (an update), so it is ok', async () => {
    const orderId = confirmedOrder();
    expect(await meituan.ship!(shop, notice(orderId))).toEqual({ ok: true });
    expect(await meituan.ship!(shop, notice(orderId))).toEqual({ ok: true });
    expect(sim.shipments.filter((s) => s.order_id === orderId)).toHaveLength(2);
  });

  it('pull() afterwards returns the order shipped (4/20)', async () => {
    const orderId = confirmedOrder();
    const from = new Date(Date.now() - 2_000);
    expect(await meituan.ship!(shop, notice(orderId))).toEqual({ ok: true });
    const seen: Array<[string, string]> = [];
    for await (const record of meituan.pull!(shop, { from, to: new Date(Date.now() + 2_000) })) {
      for (const event of meituan.normalize(meituan.payloadSchema.parse(record), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 })) {
        if (event.ok && event.value.channelOrderId === orderId) seen.push([event.value.status, event.value.channelStatus]);
      }
    }
    expect(seen).toEqual([['SHIPPED', '4/20']]);
  });

  it('server errors and rate limits are retryable, then the call succeeds', async () => {
    const orderId = confirmedOrder();
    sim.failNext('server-error');
    sim.failNext('rate-limit');
    expect(await meituan.ship!(shop, notice(orderId))).toEqual({ ok: false, retryable: true, reason: 'Meituan answered HTTP 502' });
    expect(await meituan.ship!(shop, notice(orderId))).toMatchObject({
      ok: false,
      retryable: true,
      reason: expect.stringContaining(String(MEITUAN_SHIP_CODES.rateLimited)),
    });
    expect(await meituan.ship!(shop, notice(orderId))).toEqual({ ok: true });
  });

  it('unknown orders, cancelled orders and missing configuration are not retryable', async () => {
    expect(await meituan.ship!(shop, notice('27061900338319999999'))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('808') });
    expect(await meituan.ship!(shop, notice(confirmedOrder('9')))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining(String(MEITUAN_SHIP_CODES.statusForbids)),
    });
    const { courierPhone: _omitted, ...rest } = shop.credentials!;
    expect(await meituan.ship!({ ...shop, credentials: rest }, notice(confirmedOrder()))).toEqual({
      ok: false,
      retryable: false,
      reason: 'meituan ship: credentials.courierPhone not set',
    });
  });

  it('an unreachable platform is retryable', async () => {
    expect(await meituan.ship!({ ...shop, endpoint: 'http://127.0.0.1:9/api/v1' }, notice(confirmedOrder()))).toMatchObject({ ok: false, retryable: true });
  });
});

describe('meituanShipResult (error mapping)', () => {
  it.each([
    [200, { data: 'ok' }, { ok: true }],
    [503, undefined, { ok: false, retryable: true }],
    [200, undefined, { ok: false, retryable: true }],
    [200, { data: 'ng', error: { code: '600', msg: '内部错误' } }, { ok: false, retryable: true }],
    [200, { data: 'ng', error: { code: String(MEITUAN_SHIP_CODES.rateLimited), msg: '超过流量限制' } }, { ok: false, retryable: true }],
    [200, { data: 'ng', error: { code: '808', msg: '订单不存在' } }, { ok: false, retryable: false }],
    [200, { data: 'ok', error: { code: '1', msg: 'partial' } }, { ok: false, retryable: false }],
  ] as const)('HTTP %i %j → %j', (status, answer, expected) => {
    expect(meituanShipResult(status, answer)).toMatchObject(expected);
  });
});
