import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../lib/errors.js';
import { type MeituanSimulator, makeMeituanOrder, startMeituanSimulator, withStatus } from '../../simulators/meituan/index.js';
import type { ShopConfig } from '../contract.js';
import { meituan } from './index.js';

const APP_ID = '4600';
const SECRET = 'mt-pull-secret';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 00:00 China time (UTC+08:00 all year) of the China calendar day `ms` falls on. */
const chinaMidnight = (ms: number) => Math.floor((ms + 8 * HOUR) / DAY) * DAY - 8 * HOUR;

const mk = (id: string, created: Date, poi = 'poi-1') =>
  makeMeituanOrder({ orderId: id, appPoiCode: poi, createdAt: created, lines: [{ sku_id: `SKU-${id.slice(-3)}`, quantity: 1, price: '12.5' }] });

async function collect(s: ShopConfig, from: Date, to: Date) {
  const out: Array<Record<string, string>> = [];
  for await (const record of meituan.pull!(s, { from, to })) out.push(record as Record<string, string>);
  return out;
}

/*
 * pull() walks China calendar days, so what a window reaches depends on the China time of day.
 * The clock is pinned (Date only: the pull signs its requests with Date.now() and the simulator
 * checks them against it) to China times around midnight and at midday, and every fixture is
 * placed relative to that clock and its China days.
 */
const CHINA_TIMES = ['2025-11-11T00:05:00+08:00', '2025-11-11T01:30:00+08:00', '2025-11-11T12:00:00+08:00'];

describe.each(CHINA_TIMES)('Meituan pull against the simulator, at %s', (chinaTime) => {
  const now = Date.parse(chinaTime);
  const ago = (ms: number) => new Date(now - ms);
  /** The window start of the lookback test, and noon of the China day before its China day. */
  const lookbackFrom = ago(HOUR);
  const dayBeforeFrom = new Date(chinaMidnight(lookbackFrom.getTime()) - 12 * HOUR);
  const recent = ago(2 * HOUR);
  let sim: MeituanSimulator;
  let shop: ShopConfig;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    sim = await startMeituanSimulator({ appId: APP_ID, secret: SECRET });
    shop = {
      channel: 'meituan',
      shopId: 'poi-1',
      brand: 'B',
      secret: SECRET,
      endpoint: sim.apiBase,
      credentials: { appId: APP_ID, appPoiCode: 'poi-1', pushUrl: 'https://h/cb' },
    };
    // An order of the China day before the lookback window's, completed 50 minutes ago:
    // reachable only thanks to the lookback.
    sim.upsertOrder(withStatus(mk('27061900338318001', dayBeforeFrom), '8', ago(50 * 60_000), '40'));
    // Three recent orders, one of them changed long before the window.
    sim.upsertOrder(withStatus(mk('27061900338318002', recent), '4', new Date(recent.getTime() + 60_000), '20'));
    sim.upsertOrder(mk('27061900338318003', recent));
    sim.upsertOrder(withStatus(mk('27061900338318004', ago(30 * 60_000)), '9', ago(10 * 60_000)));
    // Another store's order: not this shop's day sequence.
    sim.upsertOrder(mk('27061900338318999', recent, 'poi-2'));
    // A store with an order two China days before the lookback window's, completed 40 minutes ago.
    sim.upsertOrder(withStatus(mk('27061900338318401', new Date(dayBeforeFrom.getTime() - DAY), 'poi-4'), '8', ago(40 * 60_000), '40'));
  });
  afterAll(async () => {
    await sim.close();
    vi.useRealTimers();
  });

  it('walks the day sequences, reads each order and keeps those updated in the window', async () => {
    const records = await collect(shop, ago(3 * HOUR), new Date());
    expect(records.map((r) => r.order_id).sort()).toEqual(['27061900338318001', '27061900338318002', '27061900338318003', '27061900338318004']);
    const parsed = records.map((r) => meituan.payloadSchema.safeParse(r));
    expect(parsed.every((p) => p.success)).toBe(true);
    const completed = records.find((r) => r.order_id === '27061900338318001')!;
    expect(completed).toMatchObject({ status: '8', logistics_status: '40', is_pre_sale_order: 'false', total: '12.5' });
    const [event] = meituan.normalize(meituan.payloadSchema.parse(completed), shop, { headers: {}, rawBody: Buffer.alloc(0), receivedAt: 1 });
    expect(event).toMatchObject({ ok: true, value: { status: 'COMPLETED', channelStatus: '8/40', channelOrderId: '27061900338318001', totalMinor: 1250 } });
  });

  it('leaves out orders whose last change is outside [from, to)', async () => {
    const records = await collect(shop, ago(20 * 60_000), new Date());
    expect(records.map((r) => r.order_id)).toEqual(['27061900338318004']);
  });

  it("finds an earlier day's order only within the lookback days (documented limit)", async () => {
    const withLookback = (await collect(shop, lookbackFrom, new Date())).map((r) => r.order_id).sort();
    expect(withLookback).toEqual(['27061900338318001', '27061900338318004']);
    const noLookback = { ...shop, credentials: { ...shop.credentials, pullLookbackDays: '0' } };
    expect((await collect(noLookback, lookbackFrom, new Date())).map((r) => r.order_id)).toEqual(['27061900338318004']);
    // Two China days back: beyond the default lookback of one day, within a lookback of two.
    const poi4 = { ...shop, credentials: { ...shop.credentials, appPoiCode: 'poi-4' } };
    expect(await collect(poi4, lookbackFrom, new Date())).toEqual([]);
    const poi4TwoDays = { ...poi4, credentials: { ...poi4.credentials, pullLookbackDays: '2' } };
    expect((await collect(poi4TwoDays, lookbackFrom, new Date())).map((r) => r.order_id)).toEqual(['27061900338318401']);
  });

  it('asks one id per day sequence until Meituan says there is none (paging)', async () => {
    const created = ago(5 * 60_000);
    const ids = ['27061900338318301', '27061900338318302', '27061900338318303'];
    for (const [i, id] of ids.entries()) sim.upsertOrder(withStatus(mk(id, created, 'poi-3'), '2', ago((i + 1) * 60_000)));
    const poi3 = { ...shop, credentials: { ...shop.credentials, appPoiCode: 'poi-3', pullLookbackDays: '0' } };
    const from = ago(10 * 60_000);
    const before = sim.requestCount();
    const got = (await collect(poi3, from, new Date())).map((r) => r.order_id);
    expect(got).toEqual(ids);
    // 3 × getOrderIdByDaySeq + 1 answered "no such order" + 3 × getOrderDetail; one more "none"
    // for the China day before when the window starts before China midnight.
    const spansMidnight = chinaMidnight(from.getTime()) !== chinaMidnight(now);
    expect(sim.requestCount() - before).toBe(spansMidnight ? 8 : 7);
  });

  it("surfaces Meituan's signature error when the secret is wrong", async () => {
    const wrong = { ...shop, secret: 'not-the-secret' };
    const error = await collect(wrong, ago(HOUR), new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ api: 'meituan', platformCode: '703' });
  });
});
