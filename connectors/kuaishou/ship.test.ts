import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KuaishouSimulator, makeKuaishouOrder, SIM_ERRORS, SIM_EXPRESS_CODES, startKuaishouSimulator } from '../../simulators/kuaishou/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { expressCodeOf, kuaishouExpressCodes } from './carriers.js';
import { kuaishou } from './index.js';
import { KUAISHOU_RETRYABLE_RESULTS, kuaishouShipResult, shipKuaishouOrder } from './ship.js';

const creds = { appKey: 'ks699183844582124027', signSecret: 'sim-sign-secret', accessToken: 'sim-access-token', sellerId: '2161524184' };
let sim: KuaishouSimulator;
let shop: ShopConfig;
let nextOid = 2607602240250000;

/** A fresh paid order (status 30), so tests do not share state. */
function paidOrder(): string {
  const oid = nextOid++;
  const created = Date.now() - 3_600_000;
  sim.upsertOrder(
    makeKuaishouOrder({ oid, status: 30, skuId: 888390671925, skuNick: 'SKU-KS', num: 1, price: 1990, createTime: created, updateTime: created + 60_000 }),
  );
  return String(oid);
}
const notice = (orderId: string, carrier: ShipmentNotice['carrier'] = 'SF', waybillNo = 'SF1400000000001'): ShipmentNotice => ({
  channelOrderId: orderId,
  carrier,
  waybillNo,
  shippedAt: Date.now(),
});

beforeAll(async () => {
  sim = await startKuaishouSimulator({ appKey: creds.appKey, signSecret: creds.signSecret, accessToken: creds.accessToken });
  shop = { channel: 'kuaishou', shopId: 'ks-flagship', brand: 'Omni', secret: 'unused-for-ship', credentials: creds, endpoint: sim.url };
});
afterAll(() => sim.close());

describe('Kuaishou carrier table', () => {
  it('maps every carrier to an express code the platform lists', () => {
    expect(kuaishouExpressCodes).toEqual({ SF: 4, ZTO: 5, YTO: 6, JD: 9 });
    expect(Object.keys(kuaishouExpressCodes).sort()).toEqual([...CARRIERS].sort());
    for (const code of Object.values(kuaishouExpressCodes)) expect(SIM_EXPRESS_CODES.has(code)).toBe(true);
  });

  it('a shop can override a code; a malformed override is refused, never guessed', () => {
    const withOverrides = (expressCodes: string): ShopConfig => ({ ...shop, credentials: { ...creds, expressCodes } });
    expect(expressCodeOf('SF', withOverrides('{"SF":7}'))).toEqual({ ok: true, value: 7 });
    expect(expressCodeOf('JD', withOverrides('{"SF":7}'))).toEqual({ ok: true, value: 9 });
    expect(expressCodeOf('SF', withOverrides('{"SF":"7"}'))).toEqual({ ok: false, reason: 'credentials.expressCodes.SF is not a positive integer' });
    expect(expressCodeOf('SF', withOverrides('nope'))).toEqual({ ok: false, reason: 'credentials.expressCodes is not JSON' });
  });
});

describe('ship() against the Kuaishou simulator', () => {
  it('sends orderId, expressNo and expressCode, signed like every call (MD5 and HMAC_SHA256)', async () => {
    const first = paidOrder();
    const second = paidOrder();
    const before = sim.shipments.length;
    expect(await kuaishou.ship!(shop, notice(first, 'YTO', 'YT7000000000001'))).toEqual({ ok: true });
    expect(await shipKuaishouOrder(shop, notice(second), { signMethod: 'HMAC_SHA256' })).toEqual({ ok: true });
    expect(sim.shipments.slice(before)).toEqual([
      { orderId: Number(first), expressNo: 'YT7000000000001', expressCode: 6 },
      { orderId: Number(second), expressNo: 'SF1400000000001', expressCode: 4 },
    ]);
  });

  it('a wrong signSecret gets the sign error, which is not retryable', async () => {
    const wrong = { ...shop, credentials: { ...creds, signSecret: 'not-the-secret' } };
    expect(await kuaishou.ship!(wrong, notice(paidOrder()))).toEqual({
      ok: false,
      retryable: false,
      reason: `Kuaishou open.seller.order.goods.deliver failed: result ${SIM_ERRORS.sign.result} ${SIM_ERRORS.sign.error_msg}`,
    });
  });

  it('a repeat with the same waybill is ok and ships nothing more; another waybill is refused', async () => {
    const orderId = paidOrder();
    expect(await kuaishou.ship!(shop, notice(orderId))).toEqual({ ok: true });
    const count = sim.shipments.length;
    expect(await kuaishou.ship!(shop, notice(orderId))).toEqual({ ok: true });
    expect(sim.shipments.length).toBe(count);
    expect(await kuaishou.ship!(shop, notice(orderId, 'SF', 'SF1400000000999'))).toMatchObject({ ok: false, retryable: false });
  });

  it('pull() afterwards returns the order shipped', async () => {
    const orderId = paidOrder();
    const from = new Date(Date.now() - 1_000);
    expect(await kuaishou.ship!(shop, notice(orderId))).toEqual({ ok: true });
    const statuses: string[] = [];
    for await (const order of kuaishou.pull!(shop, { from, to: new Date(Date.now() + 1_000) })) {
      for (const event of kuaishou.normalize(kuaishou.payloadSchema.parse(order), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 })) {
        if (event.ok && event.value.channelOrderId === orderId) statuses.push(event.value.status);
      }
    }
    expect(statuses).toEqual(['SHIPPED']);
  });

  it('server errors and rate limits are retryable, then the call succeeds', async () => {
    const orderId = paidOrder();
    sim.failNext('server-error');
    sim.failNext('rate-limit');
    expect(await kuaishou.ship!(shop, notice(orderId))).toEqual({ ok: false, retryable: true, reason: 'Kuaishou answered HTTP 500' });
    expect(await kuaishou.ship!(shop, notice(orderId))).toMatchObject({
      ok: false,
      retryable: true,
      reason: expect.stringContaining(String(SIM_ERRORS.rateLimit.result)),
    });
    expect(await kuaishou.ship!(shop, notice(orderId))).toEqual({ ok: true });
  });

  it('unknown orders, cancelled orders, bad ids and missing credentials are not retryable', async () => {
    expect(await kuaishou.ship!(shop, notice('2607602240299999'))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining('order not found'),
    });
    const cancelled = nextOid++;
    sim.upsertOrder(makeKuaishouOrder({ oid: cancelled, status: 80, skuId: 1, num: 1, price: 1, createTime: Date.now() - 1000 }));
    expect(await kuaishou.ship!(shop, notice(String(cancelled)))).toMatchObject({ ok: false, retryable: false });
    expect(await kuaishou.ship!(shop, notice('12ab'))).toEqual({ ok: false, retryable: false, reason: 'not a Kuaishou order id: 12ab' });
    const { accessToken: _omitted, ...rest } = creds;
    expect(await kuaishou.ship!({ ...shop, credentials: rest }, notice(paidOrder()))).toMatchObject({ ok: false, retryable: false });
  });

  it('an unreachable platform is retryable', async () => {
    expect(await kuaishou.ship!({ ...shop, endpoint: 'http://127.0.0.1:9' }, notice(paidOrder()))).toMatchObject({ ok: false, retryable: true });
  });
});

describe('kuaishouShipResult (error mapping)', () => {
  it.each([
    [200, { result: 1 }, { ok: true }],
    [502, undefined, { ok: false, retryable: true }],
    [429, { result: 1 }, { ok: false, retryable: true }],
    [200, undefined, { ok: false, retryable: true }],
    [200, { result: [...KUAISHOU_RETRYABLE_RESULTS][0], error_msg: 'limit' }, { ok: false, retryable: true }],
    [200, { result: 24, error_msg: 'AUTHORIZATION_REVOKED' }, { ok: false, retryable: false }],
    [200, { result: 2001, error_msg: 'order status does not allow delivery' }, { ok: false, retryable: false }],
  ] as const)('HTTP %i %j → %j', (status, answer, expected) => {
    expect(kuaishouShipResult(status, answer)).toMatchObject(expected);
  });
});
