import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTaobaoTrade, startTaobaoSimulator, type TaobaoSimulator, withStatus } from '../../simulators/taobao/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { callTop } from './api.js';
import { makeTaobaoConnector } from './index.js';
import { pullTaobao } from './pull.js';
import { TAOBAO_CARRIERS, taobaoShipError } from './ship.js';

const APP_KEY = '12345678';
const SECRET = 'app-secret-ship-1';
const SESSION = '6100e24c3fa0b1sessionkey';
const TID = '4123456789012399001';
const connector = makeTaobaoConnector();
let sim: TaobaoSimulator;
let shop: ShopConfig;

const paidTrade = (status = 'WAIT_SELLER_SEND_GOODS') =>
  withStatus(
    makeTaobaoTrade({ tid: TID, lines: [{ outerSkuId: 'TB-SKU-1', num: 1, price: '9.90' }], createdAt: new Date(Date.now() - 3_600_000) }),
    status,
    new Date(Date.now() - 600_000),
  );
const notice: ShipmentNotice = { channelOrderId: TID, carrier: 'ZTO', waybillNo: '75312345678901', shippedAt: Date.now() };

beforeEach(async () => {
  sim = await startTaobaoSimulator({ appKey: APP_KEY, appSecret: SECRET, sessionKey: SESSION });
  shop = { channel: 'taobao', shopId: 'tb-omni', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { appKey: APP_KEY, sessionKey: SESSION } };
});
afterEach(async () => {
  await sim.close();
});

describe('Taobao carrier table', () => {
  it('maps every carrier of ours to a TOP company_code', () => {
    for (const c of CARRIERS) expect(TAOBAO_CARRIERS[c]).toMatch(/^[A-Z]+$/);
    expect(TAOBAO_CARRIERS).toEqual({ SF: 'SF', ZTO: 'ZTO', YTO: 'YTO', JD: 'JD' });
  });
});

describe('ship() against the simulated TOP router', () => {
  it('sends taobao.logistics.offline.send signed, and the trade is then pulled as shipped', async () => {
    sim.upsertOrder(paidTrade());
    const before = Date.now() - 1000;
    expect(await connector.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toEqual([{ tid: TID, outSid: '75312345678901', companyCode: 'ZTO' }]);
    const trades = [];
    for await (const t of pullTaobao(shop, { from: new Date(before), to: new Date(Date.now() + 1000) })) trades.push(t);
    const [event] = connector.normalize(connector.payloadSchema.parse(trades[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'SHIPPED', channelStatus: 'WAIT_BUYER_CONFIRM_GOODS' } });
  });

  it('treats "already shipped" on a repeat as done', async () => {
    sim.upsertOrder(paidTrade());
    await connector.ship!(shop, notice);
    expect(await connector.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toHaveLength(1);
  });

  it('retries HTTP 5xx and App Call Limited, then succeeds', async () => {
    sim.upsertOrder(paidTrade());
    sim.injectShipFaults(1, 'server-error');
    sim.injectShipFaults(1, 'rate-limit');
    expect(await connector.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 502') });
    expect(await connector.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('App Call Limited') });
    expect(await connector.ship!(shop, notice)).toEqual({ ok: true });
  });

  it('refuses without retry: unknown trade, closed trade, wrong secret', async () => {
    expect(await connector.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('订单不存在') });
    sim.upsertOrder(paidTrade('TRADE_CLOSED'));
    expect(await connector.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false });
    expect(await connector.ship!({ ...shop, secret: 'not-the-secret' }, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('Invalid Signature'),
    });
    expect(sim.shipments).toHaveLength(0);
  });
});

describe('taobaoShipError', () => {
  /** What callTop throws for an error_response (TOP answers errors with HTTP 200). */
  const topError = (error: Record<string, unknown>) =>
    callTop(
      shop,
      'x',
      {},
      {
        fetchImpl: (async () => new Response(JSON.stringify({ error_response: { msg: 'm', ...error } }))) as typeof fetch,
      },
    ).catch((err: unknown) => err);

  it('maps TOP errors: rate limits and isp.* retried, an already shipped trade done, isv.* final', async () => {
    const limited = await topError({ code: 7, sub_code: 'accesscontrol.limited-by-app-access-count' });
    expect(limited).toMatchObject({ name: 'ApiError', api: 'taobao', platformCode: 'accesscontrol.limited-by-app-access-count', retryable: true });
    expect(taobaoShipError(limited)).toMatchObject({ ok: false, retryable: true });
    expect(taobaoShipError(await topError({ code: 15, sub_code: 'isp.top-remote-connection-timeout' }))).toMatchObject({ ok: false, retryable: true });
    expect(taobaoShipError(await topError({ code: 15, sub_code: 'isv.logistics-offline-service-error:B04', sub_msg: '订单已发货' }))).toEqual({ ok: true });
    expect(taobaoShipError(await topError({ code: 15, sub_code: 'isv.logistics-offline-service-error:S01', sub_msg: '物流公司不存在' }))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('物流公司不存在'),
    });
    expect(taobaoShipError(new Error('fetch failed'))).toMatchObject({ ok: false, retryable: true });
  });
});
