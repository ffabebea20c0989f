import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import type { ShopConfig } from '../connectors/contract.js';
import { PushIngestor } from '../connectors/gateway/ingest.js';
import { PushPublisher } from '../connectors/gateway/publisher.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { type ReconcileReport, reconcile, type ShopReport } from '../connectors/reconcile/reconciler.js';
import { startReconcileSchedule } from '../connectors/reconcile/schedule.js';
import { CONNECTORS } from '../connectors/registry.js';
import type { YouzanTrade } from '../connectors/youzan/payload.js';
import { createDurableProducer } from '../lib/kafka.js';
import { batchWriter } from '../lib/publish.js';
import { type DouyinSimulator, douyinOrderMessage, douyinPush, makeDouyinOrder, startDouyinSimulator, withDouyinStatus } from '../simulators/douyin/index.js';
import { type JdSimulator, makeJdOrder, startJdSimulator, withState } from '../simulators/jd/index.js';
import { makePddOrder, type PddSimulator, startPddSimulator } from '../simulators/pinduoduo/index.js';
import { makeYouzanTrade, startYouzanSimulator, withYouzanStatus, type YouzanSimulator, youzanEnvelope, youzanPush } from '../simulators/youzan/index.js';
import { createTestContext, type TestContext } from './support/context.js';

/*
 * The incident reconciliation exists for: Youzan's pushes were lost for a few minutes (here: not
 * delivered at all) while Douyin (signed webhooks), JD (polling) and Pinduoduo (WebSocket) kept
 * flowing through their real paths. A reconciliation run over the window finds the lost orders
 * through Youzan's query API, classifies them against Postgres, stores them through the normal
 * ingest path, and a second run changes nothing.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000 - 10 * 60_000; // whole seconds: the channels' times are
const at = (ms: number) => new Date(T0 + ms);
const MIN = 60_000;

const YZ = { clientId: 'yz-client-id-01', secret: 'yz-client-secret-01', kdtId: '41566520' };
const DY = { appKey: '7012345678901234567', secret: 'dy-app-secret-0001', token: 'dy-access-token-01' };
const JD = { appKey: 'JD-AK-1', secret: 'jd-app-secret-01', token: 'JD-TOKEN-1' };
const PDD = { clientId: 'pdd-client-r1', secret: 'pdd-client-secret-r1', token: 'pdd-token-r1', mall: 445_566_001 };

describe('reconciliation after lost pushes, on the real stack', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  let yzSim: YouzanSimulator;
  let dySim: DouyinSimulator;
  let jdSim: JdSimulator;
  let pddSim: PddSimulator;
  let shops: ShopConfig[];
  let producer: ReturnType<typeof createDurableProducer>;
  let ingestor: PushIngestor;

  // Youzan: the drop window is [T0+2min, T0+4min): every push stamped inside it is lost.
  const DROP = { from: 2 * MIN, to: 4 * MIN };
  const yzTid = (n: number) => `E2025111100000${5_100_000_000 + n}`;
  const yzPaid = (n: number, paidAt: number): YouzanTrade =>
    withYouzanStatus(
      makeYouzanTrade({ tid: yzTid(n), lines: [{ outerSkuId: `YZ-SKU-${n}`, quantity: n, priceFen: 1000 }], createdAt: at(paidAt - 5_000) }),
      'WAIT_SELLER_SEND_GOODS',
      at(paidAt),
    );
  // y1, y2 paid before the outage; y3 paid before it and shipped during it; y4, y5 paid during it;
  // y6 paid after it. Channel state (what the query API answers) is the last of each.
  const y1 = yzPaid(1, 10_000);
  const y2 = yzPaid(2, 20_000);
  const y3paid = yzPaid(3, 30_000);
  const y3shipped = withYouzanStatus(y3paid, 'WAIT_BUYER_CONFIRM_GOODS', at(3 * MIN));
  const y4 = yzPaid(4, 3 * MIN + 10_000);
  const y5 = yzPaid(5, 3 * MIN + 20_000);
  const y6 = yzPaid(6, 5 * MIN);
  const yzPushes: { trade: YouzanTrade; type: string; atMs: number }[] = [
    { trade: y1, type: 'trade_TradeBuyerPay', atMs: 10_000 },
    { trade: y2, type: 'trade_TradeBuyerPay', atMs: 20_000 },
    { trade: y3paid, type: 'trade_TradeBuyerPay', atMs: 30_000 },
    { trade: y3shipped, type: 'trade_TradeSellerShip', atMs: 3 * MIN },
    { trade: y4, type: 'trade_TradeBuyerPay', atMs: 3 * MIN + 10_000 },
    { trade: y5, type: 'trade_TradeBuyerPay', atMs: 3 * MIN + 20_000 },
    { trade: y6, type: 'trade_TradeBuyerPay', atMs: 5 * MIN },
  ];

  const dyOrders = [1, 2].map((n) =>
    withDouyinStatus(
      makeDouyinOrder({
        orderId: `692012345678901${3000 + n}`,
        skus: [{ skuId: `17890123456789${10000 + n}`, outSkuId: `DY-SKU-${n}`, quantity: 1, priceFen: 5000 }],
        createdAt: at(n * MIN),
      }),
      2,
      at(n * MIN + 15_000),
    ),
  );
  const jdOrders = [
    withState(
      makeJdOrder({ orderId: '300000000101', createdAt: at(MIN), lines: [{ skuId: '9001', outerSkuId: 'JD-SKU-1', quantity: 2, price: '30.00' }] }),
      'WAIT_SELLER_STOCK_OUT',
      at(MIN + 5_000),
    ),
    withState(
      makeJdOrder({ orderId: '300000000102', createdAt: at(2 * MIN), lines: [{ skuId: '9002', outerSkuId: 'JD-SKU-2', quantity: 1, price: '40.00' }] }),
      'WAIT_GOODS_RECEIVE_CONFIRM',
      at(3 * MIN + 30_000),
    ),
  ];
  const pddOrders = [1, 2].map((n) =>
    makePddOrder({ orderSn: `251124-00000000000${7100 + n}`, items: [{ outerId: `PDD-SKU-${n}`, count: n, price: '19.90' }], createdAt: at(n * MIN + 40_000) }),
  );

  const rows = async () =>
    (
      await ctx.pool.query<{ order_key: string; status: string; detail: string; total_minor: string; lines: string }>(
        `select o.order_key, o.status, o.detail, o.total_minor, (select count(*) from ${ctx.namespace}.order_lines l where l.order_key = o.order_key)::text as lines
       from ${ctx.namespace}.orders o order by o.order_key`,
      )
    ).rows;
  const byKey = (r: ReconcileReport, channel: string, shopId: string) => r.shops.find((s) => s.channel === channel && s.shopId === shopId) as ShopReport;
  const window = () => ({ from: at(-MIN), to: new Date() });
  const run = () => reconcile({ shops, connectors: CONNECTORS, ingestor, pool: ctx.pool, schema: ctx.namespace, window: window(), log: ctx.log });

  beforeAll(async () => {
    ctx = await createTestContext('recon');
    [yzSim, dySim, jdSim, pddSim] = await Promise.all([
      startYouzanSimulator({ clientId: YZ.clientId, clientSecret: YZ.secret, kdtId: YZ.kdtId }),
      startDouyinSimulator({ appKey: DY.appKey, appSecret: DY.secret, accessToken: DY.token }),
      startJdSimulator({ appKey: JD.appKey, secret: JD.secret, accessToken: JD.token }),
      startPddSimulator({ clientId: PDD.clientId, clientSecret: PDD.secret, accessToken: PDD.token, mallId: PDD.mall, ackTimeoutMs: 2000 }),
    ]);
    shops = [
      { channel: 'youzan', shopId: 'yz-main', brand: 'Omni', secret: YZ.secret, endpoint: yzSim.url, credentials: { clientId: YZ.clientId, kdtId: YZ.kdtId } },
      {
        channel: 'douyin',
        shopId: 'dy-flagship',
        brand: 'Omni',
        secret: DY.secret,
        endpoint: dySim.url,
        credentials: { appKey: DY.appKey, accessToken: DY.token },
      },
      {
        channel: 'jd',
        shopId: 'jd-pop',
        brand: 'Omni',
        secret: JD.secret,
        endpoint: jdSim.url,
        credentials: { appKey: JD.appKey, accessToken: JD.token, pollIntervalMs: '300', lookbackMs: '3600000' },
      },
      {
        channel: 'pinduoduo',
        shopId: 'pdd-mall',
        brand: 'Omni',
        secret: PDD.secret,
        endpoint: pddSim.url,
        credentials: { clientId: PDD.clientId, accessToken: PDD.token, mallId: String(PDD.mall) },
      },
    ];
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0 }, ctx.log, {
      shops: new ShopDirectory(shops),
      parts: { gateway: true, inventory: true, sink: true },
    });
    // The reconciliation's own write path, built like the gateway's (connectors/gateway).
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    ingestor = new PushIngestor(new PushPublisher(batchWriter(producer, ctx.serde, ctx.namespace)), ctx.redis, ctx.namespace);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await pipeline?.stop();
    await Promise.all([yzSim?.close(), dySim?.close(), jdSim?.close(), pddSim?.close()]);
    await ctx?.close();
  });

  it('finds the orders whose pushes were lost, stores them once, and a second run changes nothing', async () => {
    // --- the channels' side: every order exists in its platform (query API) ---
    for (const t of [y1, y2, y3shipped, y4, y5, y6]) yzSim.upsertTrade(t);
    for (const o of dyOrders) dySim.upsertOrder(o);
    for (const o of jdOrders) jdSim.upsertOrder(o);
    for (const o of pddOrders) pddSim.upsertOrder(o);

    // --- delivery through each channel's real path; Youzan's pushes inside DROP are lost ---
    const post = async (channel: string, shopId: string, push: { headers: Record<string, string>; body: string }) => {
      const res = await fetch(`${pipeline.url}/webhooks/${channel}/${shopId}`, { method: 'POST', headers: push.headers, body: push.body });
      expect(res.status).toBe(200);
    };
    let dropped = 0;
    for (const p of yzPushes) {
      if (p.atMs >= DROP.from && p.atMs < DROP.to) {
        dropped += 1;
        continue;
      }
      await post('youzan', 'yz-main', youzanPush(youzanEnvelope(p.trade, p.type, { clientId: YZ.clientId, kdtId: Number(YZ.kdtId) }), YZ.secret));
    }
    expect(dropped).toBe(3);
    for (const o of dyOrders) await post('douyin', 'dy-flagship', douyinPush([douyinOrderMessage('101', o)], DY.appKey, DY.secret));
    const pddIds = pddOrders.map((o) => pddSim.publish('pdd_trade_TradeConfirmed', o.order_sn));
    // JD is polled by the pipeline's source; PDD messages are acknowledged once stored.
    const deadline = Date.now() + 30_000;
    const jdKeys = jdOrders.map((o) => `jd:jd-pop:${o.orderId}`);
    for (;;) {
      await pipeline.drain();
      const keys = new Set((await rows()).map((r) => r.order_key));
      const pddAcked = pddIds.every((id) => pddSim.messages().find((m) => m.id === id)?.acked);
      if (pddAcked && jdKeys.every((k) => keys.has(k))) break;
      if (Date.now() > deadline) throw new Error(`channels not delivered in time: ${[...keys].join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const yzKey = (n: number) => `youzan:yz-main:${yzTid(n)}`;
    const dyKeys = dyOrders.map((o) => `douyin:dy-flagship:${o.order_id}`);
    const pddKeys = pddOrders.map((o) => `pinduoduo:pdd-mall:${o.order_sn}`);
    const before = await rows();
    const status = (list: typeof before) => Object.fromEntries(list.map((r) => [r.order_key, r.status]));
    // The lost orders are not in the hub; y3 is stuck at PAID; Douyin known from status pushes only.
    expect(status(before)).toEqual({
      [yzKey(1)]: 'PAID',
      [yzKey(2)]: 'PAID',
      [yzKey(3)]: 'PAID',
      [yzKey(6)]: 'PAID',
      [dyKeys[0]!]: 'PAID',
      [dyKeys[1]!]: 'PAID',
      [jdKeys[0]!]: 'PAID',
      [jdKeys[1]!]: 'SHIPPED',
      [pddKeys[0]!]: 'PAID',
      [pddKeys[1]!]: 'PAID',
    });
    expect(before.filter((r) => r.order_key.startsWith('douyin:')).map((r) => r.detail)).toEqual(['STATUS_ONLY', 'STATUS_ONLY']);

    // --- reconcile the window; a shop with a wrong secret and one without API credentials must not stop it ---
    const healthy = shops;
    shops = [
      ...healthy,
      {
        channel: 'youzan',
        shopId: 'yz-broken',
        brand: 'Omni',
        secret: 'not-the-client-secret',
        endpoint: yzSim.url,
        credentials: { clientId: YZ.clientId, kdtId: YZ.kdtId },
      },
      { channel: 'shopify', shopId: 'brand-a.myshopify.com', brand: 'Omni', secret: 'shopify-secret-1' },
    ];
    const first = await run();
    await pipeline.drain();

    expect(first.failed).toBe(2);
    expect(byKey(first, 'youzan', 'yz-broken')).toMatchObject({ ok: false, error: expect.stringContaining('client_secret'), pulled: 0 });
    expect(byKey(first, 'shopify', 'brand-a.myshopify.com')).toMatchObject({ ok: false, error: expect.stringContaining('credentials.accessToken'), pulled: 0 });
    expect(first.skipped).toEqual([]);
    const yz = byKey(first, 'youzan', 'yz-main');
    expect(yz).toMatchObject({
      ok: true,
      pulled: 6,
      orders: { missing: 2, newer: 1, same: 3, older: 0 },
      ingest: { accepted: 3, duplicate: 3, dead_lettered: 0, rejected: 0, unavailable: 0 },
    });
    expect(yz.missingKeys.sort()).toEqual([yzKey(4), yzKey(5)]);
    expect(yz.newerKeys).toEqual([yzKey(3)]);
    // Douyin: same states, but the hub only had status pushes; the full orders are new facts.
    expect(byKey(first, 'douyin', 'dy-flagship')).toMatchObject({
      ok: true,
      pulled: 2,
      orders: { missing: 0, newer: 0, same: 2 },
      incomplete: 2,
      ingest: { accepted: 2, duplicate: 0 },
    });
    expect(byKey(first, 'jd', 'jd-pop')).toMatchObject({
      ok: true,
      pulled: 2,
      orders: { missing: 0, newer: 0, same: 2 },
      ingest: { accepted: 0, duplicate: 2 },
    });
    expect(byKey(first, 'pinduoduo', 'pdd-mall')).toMatchObject({
      ok: true,
      pulled: 2,
      orders: { missing: 0, newer: 0, same: 2 },
      ingest: { accepted: 0, duplicate: 2 },
    });

    const after = await rows();
    expect(status(after)).toEqual({
      ...status(before),
      [yzKey(3)]: 'SHIPPED',
      [yzKey(4)]: 'PAID',
      [yzKey(5)]: 'PAID',
    });
    expect(after.every((r) => r.detail === 'FULL' && Number(r.lines) > 0)).toBe(true);
    expect(after.find((r) => r.order_key === yzKey(5))).toMatchObject({ total_minor: '5000', lines: '1' });

    // --- a second run: everything is known, nothing is stored again ---
    shops = healthy;
    const second = await run();
    await pipeline.drain();
    expect(second.failed).toBe(0);
    for (const s of second.shops) {
      expect(s.ingest.accepted, `${s.channel}/${s.shopId}`).toBe(0);
      expect(s.ingest.duplicate).toBe(s.pulled);
      expect(s.orders).toEqual({ missing: 0, newer: 0, same: s.pulled, older: 0 });
    }
    expect(await rows()).toEqual(after);
  });
});

describe('the nightly schedule', () => {
  it('runs at 02:00 Shanghai time over [now − 26 h, now), then from the last good end − 2 h; a failed run does not move on', async () => {
    const windows: { from: number; to: number }[] = [];
    const failures = [0, 1, 0];
    let clock = Date.parse('2025-11-11T03:00:00+08:00');
    const log = { info: () => {}, warn: () => {} };
    const schedule = startReconcileSchedule({
      shops: [],
      connectors: CONNECTORS,
      ingestor: { ingest: async () => ({ status: 200, outcome: 'duplicate' }) },
      pool: undefined as never,
      schema: 'x',
      log,
      now: () => clock,
      run: async (o) => {
        windows.push({ from: o.window.from.getTime(), to: o.window.to.getTime() });
        return { window: o.window, startedAt: new Date(), finishedAt: new Date(), shops: [], skipped: [], failed: failures[windows.length - 1] ?? 0 };
      },
    });
    try {
      const next = schedule.nextRun()!;
      expect(next.getUTCHours()).toBe(18); // 02:00 +08:00
      expect(next.getUTCMinutes()).toBe(0);
      const H = 3_600_000;
      const t1 = clock;
      await schedule.runNow();
      clock += 24 * H;
      await schedule.runNow(); // fails: the next run starts from the first run's end again
      clock += 24 * H;
      await schedule.runNow();
      expect(windows).toEqual([
        { from: t1 - 26 * H, to: t1 },
        { from: t1 - 2 * H, to: t1 + 24 * H },
        { from: t1 - 2 * H, to: t1 + 48 * H },
      ]);
    } finally {
      schedule.stop();
    }
  });
});
