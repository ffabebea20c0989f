import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DouyinSimulator, makeDouyinOrder, startDouyinSimulator, withDouyinStatus } from '../../simulators/douyin/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { douyin } from './index.js';
import { pullDouyinOrders } from './pull.js';
import { DOUYIN_CARRIERS, douyinShipResult } from './ship.js';

const DY = { appKey: '7012345678901234001', secret: 'dy-app-secret-ship', token: 'dy-access-token-ship' };
const ORDER_ID = '6920123456789099001';
let sim: DouyinSimulator;
let shop: ShopConfig;

const order = (status = 2) =>
  withDouyinStatus(
    makeDouyinOrder({
      orderId: ORDER_ID,
      skus: [{ skuId: '1789012345678901', outSkuId: 'DY-SKU-1', quantity: 1, priceFen: 5000 }],
      createdAt: new Date(Date.now() - 3_600_000),
    }),
    status,
    new Date(Date.now() - 600_000),
  );
const notice: ShipmentNotice = { channelOrderId: ORDER_ID, carrier: 'SF', waybillNo: 'SF1300000000001', shippedAt: Date.now() };

beforeEach(async () => {
  sim = await startDouyinSimulator({ appKey: DY.appKey, appSecret: DY.secret, accessToken: DY.token });
  shop = {
    channel: 'douyin',
    shopId: 'dy-flagship',
    brand: 'Omni',
    secret: DY.secret,
    endpoint: sim.url,
    credentials: { appKey: DY.appKey, accessToken: DY.token },
  };
});
afterEach(() => sim.close());

describe('Douyin carrier table', () => {
  it('maps every carrier of ours to a Douyin company_code', () => {
    for (const c of CARRIERS) expect(DOUYIN_CARRIERS[c]).toMatch(/^[a-z]+$/);
    expect(DOUYIN_CARRIERS.SF).toBe('shunfeng');
  });
});

describe('ship() against the simulated open API', () => {
  it('sends order.logisticsAdd signed, and the order is then pulled as shipped', async () => {
    sim.upsertOrder(order());
    const before = Date.now() - 1000;
    expect(await douyin.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toEqual([{ orderId: ORDER_ID, companyCode: 'shunfeng', logisticsCode: 'SF1300000000001' }]);
    expect(sim.calls.at(-1)).toEqual({ method: 'order.logisticsAdd', page: null, code: 10000 });
    const pulled = [];
    for await (const o of pullDouyinOrders(shop, { from: new Date(before), to: new Date(Date.now() + 1000) })) pulled.push(o);
    const events = douyin.normalize(douyin.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(events[0]).toMatchObject({ ok: true, value: { status: 'SHIPPED', channelStatus: '3' } });
  });

  it('treats "already shipped" on a repeat as done', async () => {
    sim.upsertOrder(order());
    await douyin.ship!(shop, notice);
    expect(await douyin.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toHaveLength(1);
  });

  it('retries HTTP 5xx and flow control, then succeeds', async () => {
    sim.upsertOrder(order());
    sim.injectShipFaults(1, 'server-error');
    sim.injectShipFaults(1, 'rate-limit');
    expect(await douyin.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(await douyin.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('isp.flow-limit') });
    expect(await douyin.ship!(shop, notice)).toEqual({ ok: true });
  });

  it('refuses without retry: unknown order, cancelled order, wrong secret', async () => {
    expect(await douyin.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('订单不存在') });
    sim.upsertOrder(order(4));
    expect(await douyin.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false });
    expect(await douyin.ship!({ ...shop, secret: 'wrong-secret-000' }, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('30002'),
    });
    expect(sim.shipments).toHaveLength(0);
  });

  it('maps answers', () => {
    expect(douyinShipResult({ code: 10000 })).toEqual({ ok: true });
    expect(douyinShipResult({ code: 50002, sub_code: 'isv.business-failed:order-shipped', sub_msg: '订单已发货，请勿重复发货' })).toEqual({ ok: true });
    expect(douyinShipResult({ code: 50002, sub_code: 'isp.service-error', sub_msg: '系统繁忙' })).toMatchObject({ ok: false, retryable: true });
    expect(douyinShipResult({ code: 40002, sub_code: 'isv.parameter-invalid:company_code', sub_msg: '物流公司不存在' })).toMatchObject({
      ok: false,
      retryable: false,
    });
  });
});
