import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePddOrder, type PddSimulator, startPddSimulator, withPddStatus } from '../../simulators/pinduoduo/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { callPdd } from './api.js';
import { pinduoduo } from './index.js';
import { pullPinduoduo } from './pull.js';
import { PDD_CARRIERS, pddShipError } from './ship.js';

const CLIENT = { clientId: 'pdd-client-ship', secret: 'pdd-secret-ship', token: 'pdd-token-ship' };
const SN = '251124-000000000009001';
let sim: PddSimulator;
let shop: ShopConfig;

const order = () =>
  withPddStatus(
    makePddOrder({ orderSn: SN, items: [{ outerId: 'PDD-SKU-1', count: 1, price: '19.90' }], createdAt: new Date(Date.now() - 3_600_000) }),
    {},
    new Date(Date.now() - 600_000),
  );
const notice: ShipmentNotice = { channelOrderId: SN, carrier: 'YTO', waybillNo: 'YT7512345678901', shippedAt: Date.now() };

beforeEach(async () => {
  sim = await startPddSimulator({ clientId: CLIENT.clientId, clientSecret: CLIENT.secret, accessToken: CLIENT.token });
  shop = {
    channel: 'pinduoduo',
    shopId: 'pdd-mall',
    brand: 'Omni',
    secret: CLIENT.secret,
    endpoint: sim.url,
    credentials: { clientId: CLIENT.clientId, accessToken: CLIENT.token },
  };
});
afterEach(() => sim.close());

describe('Pinduoduo carrier table', () => {
  it('maps every carrier of ours to a distinct numeric logistics_id', () => {
    for (const c of CARRIERS) expect(Number.isInteger(PDD_CARRIERS[c])).toBe(true);
    expect(new Set(Object.values(PDD_CARRIERS)).size).toBe(CARRIERS.length);
  });
});

describe('ship() against the simulated PDD router', () => {
  it('sends pdd.logistics.online.send signed, and the order is then pulled as shipped', async () => {
    sim.upsertOrder(order());
    const before = Date.now() - 1000;
    expect(await pinduoduo.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toEqual([{ orderSn: SN, logisticsId: String(PDD_CARRIERS.YTO), trackingNumber: 'YT7512345678901' }]);
    const pulled = [];
    for await (const o of pullPinduoduo(shop, { from: new Date(before), to: new Date(Date.now() + 1000) })) pulled.push(o);
    const [event] = pinduoduo.normalize(pinduoduo.payloadSchema.parse(pulled[0]), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 0 });
    expect(event).toMatchObject({ ok: true, value: { status: 'SHIPPED' } });
  });

  it('treats "already shipped" on a repeat as done', async () => {
    sim.upsertOrder(order());
    await pinduoduo.ship!(shop, notice);
    expect(await pinduoduo.ship!(shop, notice)).toEqual({ ok: true });
    expect(sim.shipments).toHaveLength(1);
  });

  it('retries HTTP 5xx and flow control, then succeeds', async () => {
    sim.upsertOrder(order());
    sim.injectShipFaults(1, 'server-error');
    sim.injectShipFaults(1, 'rate-limit');
    expect(await pinduoduo.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('HTTP 503') });
    expect(await pinduoduo.ship!(shop, notice)).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('70031') });
    expect(await pinduoduo.ship!(shop, notice)).toEqual({ ok: true });
  });

  it('refuses without retry: unknown order, wrong secret', async () => {
    expect(await pinduoduo.ship!(shop, notice)).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('订单不存在') });
    sim.upsertOrder(order());
    expect(await pinduoduo.ship!({ ...shop, secret: 'wrong-secret' }, notice)).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('10003'),
    });
    expect(sim.shipments).toHaveLength(0);
  });

  it('maps errors', async () => {
    /** What callPdd throws for an error_response. */
    const pddError = (error_code: string, error_msg: string) =>
      callPdd(
        shop,
        'x',
        {},
        {
          fetchImpl: (async () => new Response(JSON.stringify({ error_response: { error_code, error_msg } }))) as typeof fetch,
        },
      ).catch((err: unknown) => err);
    const limited = await pddError('70031', '调用过于频繁');
    expect(limited).toMatchObject({ name: 'ApiError', api: 'pinduoduo', platformCode: '70031', retryable: true });
    expect(pddShipError(limited)).toMatchObject({ ok: false, retryable: true });
    expect(pddShipError(await pddError('50000', '订单已发货，请勿重复发货'))).toEqual({ ok: true });
    expect(pddShipError(await pddError('10000', '参数错误'))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('10000 参数错误') });
    expect(pddShipError(new Error('PDD x: HTTP 502'))).toMatchObject({ ok: false, retryable: true });
  });
});
