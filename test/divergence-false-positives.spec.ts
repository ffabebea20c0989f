import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { type SimOrder, WIRE_BUILDERS } from '../cli/loadgen/channels.js';
import { PushSigner, planLoad } from '../cli/loadgen/plan.js';
import { freshShop, freshShops } from '../cli/loadgen/shops.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { divergenceReport } from '../processors/divergence/report.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readAll } from './support/read-topic.js';

/*
 * False positives are the enemy of a divergence detector: people stop reading it. Here the load
 * generator's mix — thousands of orders created, paid, some cancelled, 10 % of pushes delivered
 * twice (a platform retry, later), 10 % of orders with a later status delivered before the earlier
 * one — goes through the real gateway, inventory, routing and divergence processor with every
 * grace window cut to a minute of event time. A healthy history, however duplicated or reordered,
 * must open nothing.
 *
 * The detector is shown to be awake meanwhile: one Douyin order is paid with a status-only push
 * (Douyin's message carries no lines) and its contents never arrive, so the hub cannot act on the
 * payment: exactly that one PAID_NOT_SEEN must open.
 *
 * Time is driven, not waited for:
 *   - The hub stamps what it does with broker time, and how long this shared machine takes over
 *     the load is not for the test to decide. So the channels' clock runs ahead of the hub's by
 *     more than the test may last: every hub decision lies before the load's channel times, and a
 *     slow run cannot turn into a hub that lags the channel.
 *   - The divergence timer runs on a clock the test holds still, and moves once, after the
 *     pipeline has drained, past every channel time plus the grace window and the settle time:
 *     every order is judged on its whole history.
 *   - A status delivered before the earlier one means the earlier push came late by the gap
 *     between the two channel times (up to 55 s in this load), which the detector rightly records
 *     once it exceeds the grace window. The window is a minute, just above the load's largest gap
 *     (checked below), so out-of-order delivery stays sync lag.
 */

const GRACE_S = 60;
const SETTLE_S = 5;
/** Channel times start this far after the load is sent: longer than this test is allowed to run. */
const CHANNEL_AHEAD_MS = 15 * 60_000;
const LOAD_SPAN_MS = 40_000;
const ORDERS = 2_400;
const CHANNELS = ['shopify', 'youzan', 'meituan'] as const;
const SKUS = [...Array.from({ length: 40 }, (_, i) => `LG-SKU-${String(i + 1).padStart(3, '0')}`), 'LG-HOT-001'];

describe('divergence detection under the load generator mix: zero false positives', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  const shops = [...freshShops(CHANNELS, 2), freshShop('douyin', 0)];
  /** The divergence timer's clock: it stands still unless the test moves it. */
  let timerNow = Date.now();

  beforeAll(async () => {
    ctx = await createTestContext('divergence_fp');
    const grace = Object.fromEntries(
      ['SHIPPED_NOT_SYNCED', 'CANCELLED_IN_FULFILMENT', 'PAID_NOT_SEEN', 'DELIVERED_NOT_CONFIRMED', 'NO_CARRIER_SCAN', 'CONTRADICTION'].map((t) => [
        `OMNISTREAM_DIVERGENCE_${t}_GRACE_SECONDS`,
        GRACE_S,
      ]),
    );
    pipeline = await startPipeline(
      {
        ...ctx.config,
        ...grace,
        OMNISTREAM_DIVERGENCE_SETTLE_SECONDS: SETTLE_S,
        OMNISTREAM_HTTP_PORT: 0,
        OMNISTREAM_RECONCILE_CRON: 'off',
        OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0,
        OMNISTREAM_WAREHOUSES: ['WH-EAST:浙江', 'WH-SOUTH:广东'],
      },
      ctx.log,
      {
        shops: new ShopDirectory(shops),
        overrides: { divergence: { now: () => timerNow } },
        parts: { gateway: true, inventory: true, sink: true, routing: true, waves: true, divergence: true, syncBack: true },
      },
    );
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockMovements',
      ['WH-EAST', 'WH-SOUTH'].flatMap((warehouse) =>
        SKUS.map((sku) => ({
          key: sku,
          value: {
            movementId: `count-${sku}-${warehouse}`,
            kind: 'COUNT' as const,
            sku,
            warehouse,
            quantity: 100_000,
            orderKey: null,
            occurredAt: Date.now() - 120_000,
          },
        })),
      ),
    );
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await ctx?.close();
  });

  it('opens nothing for duplicated and reordered healthy orders, and finds the one real contradiction', async () => {
    // Signed now (the signatures' timestamps are checked against the receiver's clock); the
    // orders' own times lie in the channels' clock, CHANNEL_AHEAD_MS ahead.
    const sentAt = Date.now();
    const channelStart = Math.ceil((sentAt + CHANNEL_AHEAD_MS) / 1000) * 1000; // whole seconds, as Douyin sends them
    const steps = planLoad({
      orders: ORDERS,
      channels: CHANNELS,
      shops,
      seed: 'fp-1',
      duplicates: 0.1,
      reorder: 0.1,
      cancel: 0.1,
      duplicateGap: 256,
      now: channelStart + LOAD_SPAN_MS,
      spanMs: LOAD_SPAN_MS,
    });
    const signer = new PushSigner(shops, 'fp-1', Number.POSITIVE_INFINITY);
    const pushes = steps.map((step) => signer.sign(step, sentAt));
    expect(pushes.filter((p) => p.duplicate).length).toBeGreaterThan(ORDERS * 0.1);
    expect(pushes.filter((p) => p.reordered).length).toBeGreaterThan(ORDERS * 0.05);
    // How late a push delivered after a later status of its order is, in channel time: within the
    // grace window (with a second to spare for platforms that send whole seconds).
    const delivered = new Map<string, number[]>();
    let latest = 0;
    for (const step of steps.filter((st) => !st.duplicate)) {
      const at = step.order.times[step.stage];
      const before = delivered.get(step.order.orderId) ?? [];
      latest = Math.max(latest, ...before.map((t) => t - at));
      delivered.set(step.order.orderId, [...before, at]);
    }
    expect(latest).toBeGreaterThan(0);
    expect(latest + 1_000).toBeLessThan(GRACE_S * 1000);

    const douyinShop = shops.find((s) => s.channel === 'douyin')!;
    const statusOnly: SimOrder = {
      channel: 'douyin',
      shopId: douyinShop.shopId,
      orderId: '6920000000000099999',
      times: { create: channelStart + 1_000, pay: channelStart + 2_000, cancel: 0 },
      paidBeforeCancel: false,
      lines: [{ sku: 'LG-SKU-001', quantity: 1, priceFen: 990 }],
      province: { name: '浙江省', code: 'ZJ', city: '杭州市' },
    };
    const extra = (['create', 'pay'] as const).map((stage) => WIRE_BUILDERS.douyin!(statusOnly, stage, douyinShop, { now: sentAt, nonce: stage }));
    const lastChannelTime = Math.max(statusOnly.times.pay, ...steps.map((s) => s.order.times[s.stage]));

    const answers = new Map<number, number>();
    let next = 0;
    const all = [...pushes.map((p) => ({ path: p.path, headers: p.headers, body: p.body })), ...extra];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < all.length) {
          const p = all[next++]!;
          const res = await fetch(`${pipeline.url}${p.path}`, { method: 'POST', headers: p.headers, body: p.body });
          await res.arrayBuffer();
          answers.set(res.status, (answers.get(res.status) ?? 0) + 1);
        }
      }),
    );
    // 503: a redelivery racing its original, which the platform would retry; nothing else fails.
    expect([...answers.keys()].filter((s) => s !== 200 && s !== 503)).toEqual([]);
    await pipeline.drain(120_000);
    // Everything the hub did lies before the channel times: what the detector decides does not
    // depend on how fast it got here.
    expect(Date.now()).toBeLessThan(channelStart);
    expect(await pipeline.checkDivergences(timerNow)).toBe(0); // the timer's clock has not moved

    // Past every channel time, grace window and settle time.
    timerNow = lastChannelTime + (GRACE_S + SETTLE_S) * 1000 + 1_000;
    await pipeline.checkDivergences(timerNow);
    await pipeline.drain(60_000);
    await pipeline.checkDivergences(timerNow); // the repair's outcome changes nothing either
    const divergences = await readAll(ctx, 'divergences');
    const opened = divergences.filter((d) => d.state === 'OPENED');
    expect(opened.map((d) => `${d.type} ${d.orderKey}`)).toEqual([`PAID_NOT_SEEN douyin:${douyinShop.shopId}:${statusOnly.orderId}`]);
    // Opened as its window ran out in event time, from the channel's payment.
    expect(opened[0]).toMatchObject({ since: statusOnly.times.pay, openedAt: statusOnly.times.pay + GRACE_S * 1000 });

    const report = await divergenceReport(pipeline.redis, ctx.namespace);
    expect(report.byType.PAID_NOT_SEEN.opened).toBe(1);
    for (const [type, r] of Object.entries(report.byType)) if (type !== 'PAID_NOT_SEEN') expect(r.opened, type).toBe(0);
    // The load really went through the hub: every order of the load is in Postgres.
    const {
      rows: [row],
    } = await ctx.pool.query<{ n: number }>(`select count(*)::int n from ${ctx.namespace}.orders where channel <> 'douyin'`);
    expect(row!.n).toBe(ORDERS);
  }, 300_000);
});
