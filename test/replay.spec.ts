import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import type { ShopifyOrder } from '../connectors/shopify/payload.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { makeShopifyOrder, shopifyPush, withCancellation, withStatus } from '../simulators/shopify/index.js';
import { compareSchemas, type ReplayResult, replayProjections, tableDigests } from '../sinks/postgres/replay.js';
import { SINK_INPUTS } from '../sinks/postgres/sink.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * Replay on the real stack: a mixed history goes through the live pipeline (signed Shopify webhooks
 * → gateway → inventory processor → sink, stock counts, status-only order facts), then the
 * projections are rebuilt from the topics into fresh schemas and compared with the live one.
 */
const SHOP = 'replay-shop.myshopify.com';
const SECRET = randomBytes(16).toString('hex');
const T0 = Math.floor(Date.now() / 1000) * 1000 - 120_000;
/** Tables this history fills (Shopify orders and stock only); the fulfilment and divergence tables are compared too, see fulfilment-projection.spec.ts. */
const TABLES = ['inventory_decisions', 'order_lines', 'order_timeline', 'orders', 'stock_levels'];
const ALL_TABLES = [
  ...TABLES,
  'command_outcomes',
  'commands',
  'divergence_events',
  'divergences',
  'hub_exceptions',
  'listing_stock',
  'listings',
  'order_hub_status',
  'shipments',
  'stock_pushes',
  'waves',
  'waybill_failures',
  'waybills',
].sort();

describe('replay: rebuild the projections from the log', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  let live: string;
  const replicas: string[] = [];
  let first: ReplayResult;
  let phase3From = 0;
  let phase3Records = 0;
  let totalRecords = 0;

  const replica = (name: string) => {
    const s = `${ctx.namespace}_${name}`;
    replicas.push(s);
    return s;
  };
  const replay = (targetSchema: string, extra: Partial<Parameters<typeof replayProjections>[0]> = {}) =>
    replayProjections({
      kafka: ctx.kafka,
      serde: ctx.serde,
      pool: ctx.pool,
      namespace: ctx.namespace,
      targetSchema,
      log: ctx.log,
      protectedSchemas: [live],
      ...extra,
    });
  const post = async (order: ShopifyOrder, topic: Parameters<typeof shopifyPush>[1]) => {
    const push = shopifyPush(order, topic, SECRET, SHOP);
    const res = await fetch(`${pipeline.url}/webhooks/shopify/${SHOP}`, { method: 'POST', headers: push.headers, body: push.body });
    expect(res.status).toBe(200);
  };
  const order = (id: number, lines: [string, number][]) =>
    makeShopifyOrder({
      id,
      lines: lines.map(([sku, quantity]) => ({ sku, quantity, price: '19.90' })),
      createdAt: new Date(T0 + id),
      province: { name: 'Zhejiang', code: 'ZJ' },
      city: 'Hangzhou',
      countryCode: 'CN',
      currency: 'CNY',
    });
  const statusOnly = (n: number, status: OrderEvent['status'], at: number, detail: 'FULL' | 'STATUS_ONLY'): OrderEvent => ({
    eventId: `dy:${n}:${status}:${detail}`,
    orderKey: `douyin:dy-shop:${n}`,
    channel: 'douyin',
    shopId: 'dy-shop',
    brand: 'Brand D',
    channelOrderId: String(n),
    status,
    channelStatus: `s-${status}`,
    occurredAt: at,
    receivedAt: Date.now(),
    currency: 'CNY',
    totalMinor: detail === 'FULL' ? 3980 : 0,
    lines: detail === 'FULL' ? [{ sku: 'COLD', quantity: 2, unitPriceMinor: 1990 }] : [],
    buyerCountry: 'CN',
    buyerProvince: detail === 'FULL' ? 'GD' : null,
    buyerCity: null,
    presale: false,
    detail,
  });
  const endOffsets = async () => {
    let n = 0;
    // Every topic the replay reads: with the whole pipeline running, routing and waves write fulfilment topics too.
    for (const t of SINK_INPUTS) for (const p of await ctx.admin.fetchTopicOffsets(ctx.topic(t))) n += Number(p.high);
    return n;
  };

  beforeAll(async () => {
    ctx = await createTestContext('replay');
    live = ctx.namespace;
    pipeline = await startPipeline({ ...ctx.config, OMNISTREAM_HTTP_PORT: 0 }, ctx.log, {
      shops: new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'Brand R', secret: SECRET }]),
    });
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    try {
      await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
        { key: 'HOT', value: { movementId: 'count-hot', kind: 'COUNT', sku: 'HOT', warehouse: 'WH-EAST', quantity: 6, occurredAt: T0 } },
        { key: 'WARM', value: { movementId: 'count-warm', kind: 'COUNT', sku: 'WARM', warehouse: 'WH-EAST', quantity: 20, occurredAt: T0 } },
        { key: 'COLD', value: { movementId: 'count-cold', kind: 'COUNT', sku: 'COLD', warehouse: 'WH-EAST', quantity: 100, occurredAt: T0 } },
      ]);
      await pipeline.drain();
      // Phase 1: twelve new orders at once (some over-asking HOT, so some are rejected), a status-only
      // fact that runs ahead of its order's contents, and more stock arriving.
      const orders = Array.from({ length: 12 }, (_, i) =>
        order(
          3000 + i,
          i % 3 === 0
            ? [
                ['HOT', 2],
                ['COLD', 1],
              ]
            : i % 3 === 1
              ? [['WARM', 3]]
              : [
                  ['HOT', 1],
                  ['WARM', 1],
                  ['COLD', 2],
                ],
        ),
      );
      await Promise.all([
        ...orders.map((o, i) => (i % 4 === 3 ? post(withStatus(o, 'paid', null, new Date(T0 + 10_000)), 'orders/paid') : post(o, 'orders/create'))),
        publish(producer, ctx.serde, ctx.namespace, 'orderEvents', [{ key: 'douyin:dy-shop:7', value: statusOnly(7, 'PAID', T0 + 5000, 'STATUS_ONLY') }]),
        publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
          { key: 'WARM', value: { movementId: 'rcpt-warm', kind: 'RECEIPT', sku: 'WARM', warehouse: 'WH-EAST', quantity: 5, occurredAt: T0 + 1000 } },
        ]),
      ]);
      await pipeline.drain();
      // Phase 2: payments, cancellations, the status-only order's contents, and a redelivered webhook.
      await Promise.all([
        ...orders.map((o, i) =>
          i % 4 === 0
            ? post(withStatus(o, 'paid', null, new Date(T0 + 20_000)), 'orders/paid')
            : i % 4 === 1
              ? post(withCancellation(o, new Date(T0 + 21_000)), 'orders/cancelled')
              : i % 4 === 2
                ? post(o, 'orders/create') // redelivery: the gateway answers "duplicate"
                : post(withStatus(o, 'paid', 'fulfilled', new Date(T0 + 22_000)), 'orders/fulfilled'),
        ),
        // …and the same event id written twice with different words (a rewritten redelivery): the
        // first copy wins in the live sink, and must in the replay too (whose bulk COPY refuses it).
        publish(producer, ctx.serde, ctx.namespace, 'orderEvents', [
          { key: 'douyin:dy-shop:7', value: statusOnly(7, 'CREATED', T0 + 4000, 'FULL') },
          { key: 'douyin:dy-shop:7', value: { ...statusOnly(7, 'CREATED', T0 + 4000, 'FULL'), channelStatus: 'rewritten-redelivery' } },
        ]),
      ]);
      await pipeline.drain();
      // Phase 3 (after a timestamp the replay can start from): refunds and shipments.
      const before = await endOffsets();
      phase3From = Date.now();
      await new Promise((r) => setTimeout(r, 5));
      await Promise.all(
        orders.map((o, i) =>
          i % 4 === 0
            ? post(withStatus(o, 'paid', 'fulfilled', new Date(T0 + 30_000)), 'orders/fulfilled')
            : i % 4 === 3
              ? post(withCancellation(withStatus(o, 'paid', 'fulfilled', new Date(T0 + 22_000)), new Date(T0 + 31_000), 'refunded'), 'orders/cancelled')
              : Promise.resolve(),
        ),
      );
      await pipeline.drain();
      totalRecords = await endOffsets();
      phase3Records = totalRecords - before;
    } finally {
      await producer.disconnect();
    }
  }, 60_000);

  afterAll(async () => {
    await pipeline?.stop();
    for (const s of replicas) await ctx?.pool.query(`drop schema if exists ${s} cascade`).catch(() => {});
    await ctx?.close();
  });

  it('the live history is not trivial: every projection table has rows, statuses and rejections are mixed', async () => {
    const counts = await tableDigests(ctx.pool, live);
    expect(Object.keys(counts).sort()).toEqual(ALL_TABLES);
    for (const t of TABLES) expect(counts[t]!.rows, t).toBeGreaterThan(0);
    const statuses = (await ctx.pool.query<{ status: string }>(`select distinct status from ${live}.orders order by 1`)).rows.map((r) => r.status);
    expect(statuses).toEqual(expect.arrayContaining(['CREATED', 'PAID', 'CANCELLED', 'SHIPPED', 'REFUNDED']));
    const kinds = (await ctx.pool.query<{ kind: string }>(`select distinct kind from ${live}.inventory_decisions`)).rows.map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['COUNTED', 'LOCKED', 'RESERVED', 'RELEASED', 'REJECTED', 'SHIPPED', 'RECEIVED']));
  });

  it('a replay from the beginning equals the live projection in every table (only recorded_at left out)', async () => {
    const target = replica('r1');
    const seen: number[] = [];
    first = await replay(target, { onProgress: (p) => seen.push(p.events) });
    expect(first.events).toBe(totalRecords);
    expect(first.undecodable).toBe(0);
    expect(seen.at(-1)).toBe(totalRecords);
    const c = await compareSchemas(ctx.pool, live, target);
    expect(c.tables.map((t) => t.table).sort()).toEqual(ALL_TABLES);
    expect(c.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    expect(c.identical).toBe(true);
    // Large batches put an order's CREATED and PAID together: writeProjection must still take
    // first_seen_at (and the identity columns) from the order's first event.
    // The throwaway group is gone; the live sink's group is untouched.
    const groups = (await ctx.admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${ctx.namespace}.`));
    expect(groups).toContain(`${ctx.namespace}.sink-postgres`);
    expect(groups.filter((g) => g.includes('replay-'))).toEqual([]);
  });

  it('order_timeline.recorded_at is the wall clock of the write, so it is the one column not compared', async () => {
    const target = replicas[0]!;
    const [l] = (await ctx.pool.query<{ max: Date }>(`select max(recorded_at) from ${live}.order_timeline`)).rows;
    const [r] = (await ctx.pool.query<{ min: Date }>(`select min(recorded_at) from ${target}.order_timeline`)).rows;
    expect(r!.min.getTime()).toBeGreaterThan(l!.max.getTime()); // every replayed row was recorded after every live one
    const all = await compareSchemas(ctx.pool, live, target, { exclude: {} });
    const timeline = all.tables.find((t) => t.table === 'order_timeline')!;
    expect(timeline.differing).toBe(timeline.rowsA);
    expect(timeline.differingColumns).toEqual({ recorded_at: timeline.rowsA });
    expect(all.tables.filter((t) => t.table !== 'order_timeline').every((t) => t.missing + t.extra + t.differing === 0)).toBe(true);
  });

  it('is deterministic: other batch sizes and writer counts give byte-identical rows', async () => {
    const small = replica('r2');
    const second = await replay(small, { batchSize: 1, writers: 1 });
    expect(second.events).toBe(totalRecords);
    expect(second.batches).toBe(totalRecords);
    const odd = replica('r3');
    await replay(odd, { batchSize: 7, writers: 3 });
    const digests = await tableDigests(ctx.pool, replicas[0]!);
    expect(await tableDigests(ctx.pool, small)).toEqual(digests);
    expect(await tableDigests(ctx.pool, odd)).toEqual(digests);
    expect(await tableDigests(ctx.pool, live)).toEqual(digests);
  });

  it('finds a difference when there is one (negative control)', async () => {
    const target = replicas[2]!;
    await ctx.pool.query(`update ${target}.stock_levels set available = available + 1 where sku = 'WARM'`);
    const [gone] = (
      await ctx.pool.query<{ event_id: string }>(
        `delete from ${target}.order_timeline where event_id = (select min(event_id) from ${target}.order_timeline) returning event_id`,
      )
    ).rows;
    await ctx.pool.query(
      `insert into ${target}.inventory_decisions (event_id, kind, order_key, sku, warehouse, quantity, reason, occurred_at) values ('bogus', 'ADJUSTED', null, 'HOT', 'WH-EAST', 1, null, now())`,
    );
    const c = await compareSchemas(ctx.pool, live, target);
    expect(c.identical).toBe(false);
    const by = Object.fromEntries(c.tables.map((t) => [t.table, t]));
    expect(by.stock_levels).toMatchObject({
      missing: 0,
      extra: 0,
      differing: 1,
      differingColumns: { available: 1 },
      samples: { differing: ['WARM | WH-EAST'] },
    });
    expect(by.order_timeline).toMatchObject({ missing: 1, extra: 0, differing: 0, samples: { missing: [gone!.event_id] } });
    expect(by.inventory_decisions).toMatchObject({ missing: 0, extra: 1, differing: 0, samples: { extra: ['bogus'] } });
    expect(by.orders).toMatchObject({ missing: 0, extra: 0, differing: 0 });
    expect((await tableDigests(ctx.pool, target)).stock_levels).not.toEqual((await tableDigests(ctx.pool, live)).stock_levels);
  });

  it('refuses a target that has tables unless told to drop it, and never a protected schema', async () => {
    const target = replicas[2]!;
    await expect(replay(target)).rejects.toThrow(/already has \d+ table/);
    await expect(replay(live, { dropExisting: true })).rejects.toThrow(/protected/);
    await replay(target, { dropExisting: true });
    expect((await compareSchemas(ctx.pool, live, target)).identical).toBe(true);
  });

  it('from a timestamp: reads only what was appended after it', async () => {
    const target = replica('r4');
    const partial = await replay(target, { fromTimestamp: phase3From });
    expect(phase3Records).toBeGreaterThan(0);
    expect(partial.events).toBe(phase3Records);
    const c = await compareSchemas(ctx.pool, live, target);
    expect(c.identical).toBe(false); // history before the timestamp is missing, as it should be
    expect(c.tables.find((t) => t.table === 'orders')!.missing).toBeGreaterThan(0); // orders last touched before it
  });
});
