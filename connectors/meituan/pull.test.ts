import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShopConfig } from '../contract.js';
import { meituan } from './index.js';
import { MeituanApiError } from './pull.js';
import { makeMeituanOrder, startMeituanSimulator, withStatus, type MeituanSimulator } from './simulator.js';

const APP_ID = '4600';
const SECRET = 'mt-pull-secret';
let sim: MeituanSimulator;
let shop: ShopConfig;

// Two China days; "now" is relative so the simulator's timestamp check passes.
const day0 = new Date(Date.now() - 26 * 3_600_000);
const day1 = new Date(Date.now() - 2 * 3_600_000);
const mk = (id: string, created: Date, poi = 'poi-1') =>
  makeMeituanOrder({ orderId: id, appPoiCode: poi, createdAt: created, lines: [{ sku_id: `SKU-${id.slice(-3)}`, quantity: 1, price: '12.5' }] });

async function collect(s: ShopConfig, from: Date, to: Date) {
  const out: Array<Record<string, string>> = [];
  for await (const record of meituan.pull!(s, { from, to })) out.push(record as Record<string, string>);
  return out;
}

beforeAll(async () => {
  sim = await startMeituanSimulator({ appId: APP_ID, secret: SECRET });
  shop = { channel: 'meituan', shopId: 'poi-1', brand: 'B', secret: SECRET, endpoint: sim.apiBase, credentials: { appId: APP_ID, appPoiCode: 'poi-1', pushUrl: 'https://h/cb' } };
  // An order of an earlier China day, completed 50 minutes ago: reachable only thanks to the lookback.
  sim.upsertOrder(withStatus(mk('27061900338318001', day0), '8', new Date(Date.now() - 50 * 60_000), '40'));
  // Three of today's orders, one of them changed long before the window.
  sim.upsertOrder(withStatus(mk('27061900338318002', day1), '4', new Date(day1.getTime() + 60_000), '20'));
  sim.upsertOrder(mk('27061900338318003', day1));
  sim.upsertOrder(withStatus(mk('27061900338318004', new Date(Date.now() - 30 * 60_000)), '9', new Date(Date.now() - 10 * 60_000)));
  // Another store's order: not this shop's day sequence.
  sim.upsertOrder(mk('27061900338318999', day1, 'poi-2'));
});
afterAll(async () => sim.close());

describe('Meituan pull against the simulator', () => {
  it('walks the day sequences, reads each order and keeps those updated in the window', async () => {
    const records = await collect(shop, new Date(Date.now() - 3 * 3_600_000), new Date());
    expect(records.map((r) => r.order_id).sort()).toEqual(['27061900338318001', '27061900338318002', '27061900338318003', '27061900338318004']);
    const parsed = records.map((r) => meituan.payloadSchema.safeParse(r));
    expect(parsed.every((p) => p.success)).toBe(true);
    const completed = records.find((r) => r.order_id === '27061900338318001')!;
    expect(completed).toMatchObject({ status: '8', logistics_status: '40', is_pre_sale_order: 'false', total: '12.5' });
    const [event] = meituan.normalize(meituan.payloadSchema.parse(completed), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 });
    expect(event).toMatchObject({ ok: true, value: { status: 'COMPLETED', channelStatus: '8/40', channelOrderId: '27061900338318001', totalMinor: 1250 } });
  });

  it('leaves out orders whose last change is outside [from, to)', async () => {
    const records = await collect(shop, new Date(Date.now() - 20 * 60_000), new Date());
    expect(records.map((r) => r.order_id)).toEqual(['27061900338318004']);
  });

  it('finds an earlier day\'s order only within the lookback days (documented limit)', async () => {
    // The window starts 1 h ago; the order was paid 26 h ago, so always on an earlier China date.
    const from = new Date(Date.now() - 3_600_000);
    const withLookback = (await collect(shop, from, new Date())).map((r) => r.order_id).sort();
    expect(withLookback).toEqual(['27061900338318001', '27061900338318004']);
    const noLookback = { ...shop, credentials: { ...shop.credentials, pullLookbackDays: '0' } };
    expect((await collect(noLookback, from, new Date())).map((r) => r.order_id)).toEqual(['27061900338318004']);
  });

  it('asks one id per day sequence until Meituan says there is none (paging)', async () => {
    const created = new Date(Date.now() - 5 * 60_000);
    const ids = ['27061900338318301', '27061900338318302', '27061900338318303'];
    for (const [i, id] of ids.entries()) sim.upsertOrder(withStatus(mk(id, created, 'poi-3'), '2', new Date(Date.now() - (i + 1) * 60_000)));
    const poi3 = { ...shop, credentials: { ...shop.credentials, appPoiCode: 'poi-3', pullLookbackDays: '0' } };
    const before = sim.requestCount();
    const got = (await collect(poi3, new Date(Date.now() - 10 * 60_000), new Date())).map((r) => r.order_id);
    expect(got).toEqual(ids);
    // 3 × getOrderIdByDaySeq + 1 answered "no such order" + 3 × getOrderDetail; +1 "none" if the window spans China midnight.
    expect(sim.requestCount() - before).toBeGreaterThanOrEqual(7);
    expect(sim.requestCount() - before).toBeLessThanOrEqual(8);
  });

  it("surfaces Meituan's signature error when the secret is wrong", async () => {
    const wrong = { ...shop, secret: 'not-the-secret' };
    const error = await collect(wrong, new Date(Date.now() - 3_600_000), new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeituanApiError);
    expect(error).toMatchObject({ code: '703' });
  });
});
