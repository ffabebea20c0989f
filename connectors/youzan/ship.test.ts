import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeYouzanTrade, SIM_EXPRESS_IDS, startYouzanSimulator, withYouzanStatus, type YouzanSimulator } from '../../simulators/youzan/index.js';
import { CARRIERS, type ShipmentNotice, type ShopConfig } from '../contract.js';
import { youzanExpressIds } from './carriers.js';
import { youzan } from './index.js';
import { YOUZAN_SHIP_CODES, youzanShipResult } from './ship.js';

const CLIENT_ID = 'd3ccc77bb8b5bf4e08';
const SECRET = 'sim-client-secret-ship';
const KDT = '41566520';
let sim: YouzanSimulator;
let shop: ShopConfig;
let nextTid = 0;

/** A fresh paid trade awaiting shipment, so tests do not share state. */
function paidTrade(): string {
  const tid = `E2025111200000${String(6000000000 + nextTid++)}`;
  const created = new Date(Date.now() - 3_600_000);
  sim.upsertTrade(
    withYouzanStatus(
      makeYouzanTrade({ tid, lines: [{ outerSkuId: 'SKU-1', quantity: 1, priceFen: 990 }], createdAt: created }),
      'WAIT_SELLER_SEND_GOODS',
      new Date(created.getTime() + 60_000),
    ),
  );
  return tid;
}
const notice = (tid: string, carrier: ShipmentNotice['carrier'] = 'SF'): ShipmentNotice => ({
  channelOrderId: tid,
  carrier,
  waybillNo: 'SF1234567890',
  shippedAt: Date.now(),
});

beforeAll(async () => {
  sim = await startYouzanSimulator({ clientId: CLIENT_ID, clientSecret: SECRET, kdtId: KDT });
  shop = { channel: 'youzan', shopId: 'yz-main', brand: 'Omni', secret: SECRET, endpoint: sim.url, credentials: { clientId: CLIENT_ID, kdtId: KDT } };
});
afterAll(() => sim.close());

describe('Youzan carrier table', () => {
  it('maps every carrier to its Youzan company id', () => {
    expect(youzanExpressIds).toEqual({ SF: 7, ZTO: 3, YTO: 2, JD: 138 });
    expect(Object.keys(youzanExpressIds).sort()).toEqual([...CARRIERS].sort());
    for (const id of Object.values(youzanExpressIds)) expect(SIM_EXPRESS_IDS.has(String(id))).toBe(true);
  });
});

describe('ship() against the Youzan simulator', () => {
  it('confirms the shipment with tid, out_stype and out_sid, authenticated by a fetched token', async () => {
    const tid = paidTrade();
    const before = sim.shipments.length;
    expect(await youzan.ship!(shop, notice(tid, 'ZTO'))).toEqual({ ok: true });
    expect(sim.shipments.slice(before)).toEqual([{ tid, outStype: '3', outSid: 'SF1234567890' }]);
  });

  it('a repeat is ok (already shipped) and ships nothing more', async () => {
    const tid = paidTrade();
    expect(await youzan.ship!(shop, notice(tid))).toEqual({ ok: true });
    const count = sim.shipments.length;
    expect(await youzan.ship!(shop, notice(tid))).toEqual({ ok: true });
    expect(sim.shipments.length).toBe(count);
  });

  it('pull() afterwards returns the trade shipped', async () => {
    const tid = paidTrade();
    const from = new Date(Date.now() - 2_000);
    expect(await youzan.ship!(shop, notice(tid))).toEqual({ ok: true });
    const statuses: string[] = [];
    for await (const trade of youzan.pull!(shop, { from, to: new Date(Date.now() + 2_000) })) {
      for (const event of youzan.normalize(youzan.payloadSchema.parse(trade), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 })) {
        if (event.ok && event.value.channelOrderId === tid) statuses.push(event.value.status);
      }
    }
    expect(statuses).toEqual(['SHIPPED']);
  });

  it('server errors and rate limits are retryable, then the call succeeds', async () => {
    const tid = paidTrade();
    sim.failNext('server-error');
    sim.failNext('rate-limit');
    expect(await youzan.ship!(shop, notice(tid))).toMatchObject({ ok: false, retryable: true, reason: 'Youzan answered HTTP 502' });
    expect(await youzan.ship!(shop, notice(tid))).toMatchObject({ ok: false, retryable: true, reason: expect.stringContaining('4204') });
    expect(await youzan.ship!(shop, notice(tid))).toEqual({ ok: true });
  });

  it('an unknown trade, a wrong secret or a closed trade are not retryable', async () => {
    expect(await youzan.ship!(shop, notice('E20990101000000000000000'))).toMatchObject({
      ok: false,
      retryable: false,
      reason: expect.stringContaining(String(YOUZAN_SHIP_CODES.tradeNotFound)),
    });
    expect(await youzan.ship!({ ...shop, secret: 'wrong' }, notice(paidTrade()))).toMatchObject({ ok: false, retryable: false });
    const closed = `E2025111200000${String(6100000000)}`;
    sim.upsertTrade(makeYouzanTrade({ tid: closed, lines: [{ outerSkuId: 'X', quantity: 1, priceFen: 1 }], createdAt: new Date() }));
    expect(await youzan.ship!(shop, notice(closed))).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('WAIT_BUYER_PAY') });
  });

  it('an unreachable platform is retryable', async () => {
    expect(await youzan.ship!({ ...shop, endpoint: 'http://127.0.0.1:9' }, notice('E1'))).toMatchObject({ ok: false, retryable: true });
  });
});

describe('youzanShipResult (error mapping)', () => {
  it.each([
    [503, { success: false }, true, { ok: false, retryable: true }],
    [429, undefined, true, { ok: false, retryable: true }],
    [200, { gw_err_resp: { err_code: 4203 } }, true, { ok: false, retryable: true }],
    [200, { gw_err_resp: { err_code: 4203 } }, false, { ok: false, retryable: false }],
    [200, { gw_err_resp: { err_code: 4005 } }, true, { ok: false, retryable: false }],
    [200, { success: false, code: YOUZAN_SHIP_CODES.alreadyShipped }, true, { ok: true }],
    [200, { success: true, code: 200, data: { is_success: false } }, true, { ok: false, retryable: false }],
    [200, { success: true, code: 200, data: { is_success: true } }, true, { ok: true }],
  ] as const)('HTTP %i %j (token fetched: %s) → %j', (status, answer, fetched, expected) => {
    expect(youzanShipResult(status, answer, fetched)).toMatchObject(expected);
  });
});
