import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_BUILDERS, type SimOrder } from '../cli/loadgen/channels.js';
import { buildLoad } from '../cli/loadgen/plan.js';
import { freshShop, freshShops } from '../cli/loadgen/shops.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer } from '../lib/kafka.js';
import { startPipeline, type Pipeline } from '../lib/pipeline.js';
import { publish } from '../lib/publish.js';
import { divergenceReport } from '../processors/divergence/report.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readAll } from './support/read-topic.js';

/*
 * False positives are the enemy of a divergence detector: people stop reading it. Here the load
 * generator's mix — thousands of orders created, paid, some cancelled, 10 % of pushes delivered
 * twice (a platform retry, later), 10 % of orders with a later status delivered before the earlier
 * one — goes through the real gateway, inventory, routing and divergence processor with every
 * grace window cut to 4 s. A healthy history, however duplicated or reordered, must open nothing.
 *
 * The detector is shown to be awake meanwhile: one Douyin order is paid with a status-only push
 * (Douyin's message carries no lines) and its contents never arrive, so the hub cannot act on the
 * payment: exactly that one PAID_NOT_SEEN must open.
 */

const GRACE_S = 4;
const ORDERS = 2_400;
const CHANNELS = ['shopify', 'youzan', 'meituan'] as const;
const SKUS = [...Array.from({ length: 40 }, (_, i) => `LG-SKU-${String(i + 1).padStart(3, '0')}`), 'LG-HOT-001'];

describe('divergence detection under the load generator mix: zero false positives', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  const shops = [...freshShops(CHANNELS, 2), freshShop('douyin', 0)];

  beforeAll(async () => {
    ctx = await createTestContext('divergence_fp');
    const grace = Object.fromEntries(['SHIPPED_NOT_SYNCED', 'CANCELLED_IN_FULFILMENT', 'PAID_NOT_SEEN', 'DELIVERED_NOT_CONFIRMED', 'NO_CARRIER_SCAN', 'CONTRADICTION']
      .map((t) => [`OMNISTREAM_DIVERGENCE_${t}_GRACE_SECONDS`, GRACE_S]));
    pipeline = await startPipeline({
      ...ctx.config, ...grace, OMNISTREAM_HTTP_PORT: 0, OMNISTREAM_RECONCILE_CRON: 'off', OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0,
      OMNISTREAM_WAREHOUSES: ['WH-EAST:浙江', 'WH-SOUTH:广东'],
    }, ctx.log, { shops: new ShopDirectory(shops), parts: { gateway: true, inventory: true, sink: true, routing: true, waves: true, divergence: true, syncBack: true } });
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', ['WH-EAST', 'WH-SOUTH'].flatMap((warehouse) => SKUS.map((sku) => ({
      key: sku, value: { movementId: `count-${sku}-${warehouse}`, kind: 'COUNT' as const, sku, warehouse, quantity: 100_000, orderKey: null, occurredAt: Date.now() - 120_000 },
    }))));
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await ctx?.close();
  });

  it('opens nothing for duplicated and reordered healthy orders, and finds the one real contradiction', async () => {
    // The orders happen as they are pushed: channel times a little ahead of the hub's clock (the
    // whole load is sent within about 20 s), never minutes back. A channel event older than the
    // grace window when it arrives would be a real sync lag, which the detector rightly records.
    const now = Date.now() + 45_000;
    const pushes = buildLoad({ orders: ORDERS, channels: CHANNELS, shops, seed: 'fp-1', duplicates: 0.1, reorder: 0.1, cancel: 0.1, duplicateGap: 256, now, spanMs: 40_000 });
    expect(pushes.filter((p) => p.duplicate).length).toBeGreaterThan(ORDERS * 0.1);
    expect(pushes.filter((p) => p.reordered).length).toBeGreaterThan(ORDERS * 0.05);

    const douyinShop = shops.find((s) => s.channel === 'douyin')!;
    const statusOnly: SimOrder = {
      channel: 'douyin', shopId: douyinShop.shopId, orderId: '6920000000000099999',
      times: { create: Date.now() - 2_000, pay: Date.now() - 1_000, cancel: 0 }, paidBeforeCancel: false,
      lines: [{ sku: 'LG-SKU-001', quantity: 1, priceFen: 990 }], province: { name: '浙江省', code: 'ZJ', city: '杭州市' },
    };
    const extra = (['create', 'pay'] as const).map((stage) => WIRE_BUILDERS.douyin!(statusOnly, stage, douyinShop, { now: Date.now(), nonce: stage }));

    const answers = new Map<number, number>();
    let next = 0;
    const all = [...pushes.map((p) => ({ path: p.path, headers: p.headers, body: p.body })), ...extra];
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (next < all.length) {
        const p = all[next++]!;
        const res = await fetch(`${pipeline.url}${p.path}`, { method: 'POST', headers: p.headers, body: p.body });
        await res.arrayBuffer();
        answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
      }
    }));
    // 503: a redelivery racing its original, which the platform would retry; nothing else fails.
    expect([...answers.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    await pipeline.drain(120_000);

    // Past every grace window and the settle time, with the timer ticking every second.
    await new Promise((r) => setTimeout(r, (GRACE_S + 8) * 1000));
    await pipeline.drain(60_000);
    await pipeline.checkDivergences();
    const divergences = await readAll(ctx, 'divergences');
    const opened = divergences.filter((d) => d.state === 'OPENED');
    expect(opened.map((d) => `${d.type} ${d.orderKey}`)).toEqual([`PAID_NOT_SEEN douyin:${douyinShop.shopId}:${statusOnly.orderId}`]);

    const report = await divergenceReport(pipeline.redis, ctx.namespace);
    expect(report.byType.PAID_NOT_SEEN.opened).toBe(1);
    for (const [type, r] of Object.entries(report.byType)) if (type !== 'PAID_NOT_SEEN') expect(r.opened, type).toBe(0);
    // The load really went through the hub: every order of the load is in Postgres.
    const { rows: [row] } = await ctx.pool.query<{ n: number }>(`select count(*)::int n from ${ctx.namespace}.orders where channel <> 'douyin'`);
    expect(row!.n).toBe(ORDERS);
  }, 300_000);
});
