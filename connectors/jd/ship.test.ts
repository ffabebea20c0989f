import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/errors.js';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../../simulators/jd/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { josError } from './api.js';
import { jd } from './index.js';
import { JD_CARRIERS, jdShipError, jdShipResult } from './ship.js';

const creds = { appKey: 'AK-SHIP', accessToken: 'TOKEN-SHIP' };
const SECRET = 'jd-ship-secret';
const ORDER_ID = '300000009001';
let sim: JdSimulator;
let shop: ShopConfig;

const order = (state = 'WAIT_SELLER_STOCK_OUT') =>
  withState(
    makeJdOrder({
      orderId: ORDER_ID,
      createdAt: new Date(Date.now() - 3_600_000),
      lines: [{ skuId: '9001', outerSkuId: 'JD-SKU-1', quantity: 1, price: '30.00' }],
    }),
    state,
    new Date(Date.now() - 600_000),
  );
const notice: ShipmentNotice = { channelOrderId: ORDER_ID, carrier: 'JD', waybillNo: 'JDVA00012345678', shippedAt: Date.now() };

beforeEach(async () => {
  sim = await startJdSimulator({ ...creds, secret: SECRET });
  shop = { channel: 'jd', shopId: 'jd-1', brand: 'B', secret: SECRET, endpoint: sim.url, credentials: creds };
});
afterEach(() => sim.close());

describe('JD carrier table', () => {
  it('maps every carrier of ours to a numeric JD logistics company id', () => {
    for (const c of CARRIERS) expect(JD_CARRIERS[c]).toMatch(/^\d+$/);
    expect(new Set(Object.values(JD_CARRIERS)).size).toBe(CARRIERS.length);
  });
});

describe('ship() against the simulated JOS router', () => {
  it('sends jingdong.pop.order.shipment signed, and pull then returns the order shipped', async () => {
    sim.upsertOrder(order());
    const before = Date.now() - 1000;
    expect(await jd.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toEqual([{ orderId: ORDER_ID, logiCoprId: JD_CARRIERS.JD, logiNo: 'JDVA00012345678' }]);
    const pulled = [];
    for await (const r of jd.pull!(shop, { from: new Date(before), to: new Date(Date.now() + 1000) })) pulled.push(r);
    const [event] = jd.normalize(jd.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'SHIPPED', channelStatus: 'WAIT_GOODS_RECEIVE_CONFIRM' } });
  });

  it('treats "already shipped" on a repeat as done', async () => {
    sim.upsertOrder(order());
    await jd.ship!(shop, notice);
    expect(await jd.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toHaveLength(1);
  });

  it('retries HTTP 5xx and the call limit, then succeeds', async () => {
    sim.upsertOrder(order());
    sim.injectShipFaults(1, 'server-error');
    sim.injectShipFaults(1, 'rate-limit');
    expect(await jd.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(await jd.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('67') });
    expect(await jd.ship!(shop, notice)).toEqual({ ok: true });
  });

  it('refuses without retry: unknown order, cancelled order, wrong secret', async () => {
    expect(await jd.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('订单不存在') });
    sim.upsertOrder(order('TRADE_CANCELED'));
    expect(await jd.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false });
    expect(await jd.ship!({ ...shop, secret: 'wrong-secret' }, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('Invalid signature'),
    });
    expect(sim.shipments).toHaveLength(0);
  });
});

describe('JD error mapping', () => {
  it('maps router errors, HTTP errors and business answers', () => {
    expect(josError('67', 'limit')).toMatchObject({ name: 'ApiError', api: 'jd', platformCode: '67', retryable: true });
    expect(jdShipError(josError('67', 'limit'))).toMatchObject({ ok: false, retryable: true });
    expect(jdShipError(josError('19', 'Invalid signature'))).toMatchObject({ ok: false, retryable: false, reason: 'jd: JD API error 19: Invalid signature' });
    expect(jdShipError(new ApiError('jd', 'm: HTTP 502', { status: 502 }))).toMatchObject({ ok: false, retryable: true });
    expect(jdShipError(new TypeError('fetch failed'))).toMatchObject({ ok: false, retryable: true });
    const answer = (r: object) => ({ jingdong_pop_order_shipment_responce: { sopjosshipment_result: r } });
    expect(jdShipResult(answer({ success: true }))).toEqual({ ok: true });
    expect(jdShipResult(answer({ success: false, chineseErr: '订单已出库' }))).toEqual({ ok: true });
    expect(jdShipResult(answer({ success: false, chineseErr: '订单不存在' }))).toMatchObject({ ok: false, retryable: false });
  });
});
