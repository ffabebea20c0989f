import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../lib/kafka.js';
import { createDurableProducer } from '../lib/kafka.js';
import { waitUntilCaughtUp } from '../lib/lag.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { compareSchemas, replayProjections, tableDigests } from '../sinks/postgres/replay.js';
import { postgresSink, SINK_INPUTS } from '../sinks/postgres/sink.js';
import type { HubException } from '../topics/schemas/hub-exception.js';
import { type ListingMapping, listingKeyOf } from '../topics/schemas/listing-mapping.js';
import type { StockPush, StockPushResult, StockPushWrite } from '../topics/schemas/stock-push.js';
import type { StockTarget } from '../topics/schemas/stock-target.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The stock-sync projection on the real stack: listings as mapped (newest wins, unmapping kept),
 * each listing's newest target by seq whatever the arrival order, what the platform was last told
 * (applied writes) and last showed (confirmed read-backs), every push kept once under redelivery,
 * hub exceptions with their first time; then a replay equal to the live schema.
 */
const T0 = Date.parse('2026-11-24T08:00:00Z');
const SHOP = 'shop-s';
const A = listingKeyOf('taobao', SHOP, 'item-1', 'sku-1');
const B = listingKeyOf('taobao', SHOP, 'item-2', 'sku-2');
const C = listingKeyOf('pdd', 'shop-p', 'item-3', 'sku-3');

const mapping = (key: string, sku: string, at: number, extra: Partial<ListingMapping> = {}): ListingMapping => {
  const [channel, shopId, itemId, skuId] = key.split(':') as [string, string, string, string];
  return { listingKey: key, channel, shopId, itemId, skuId, components: [{ sku, quantity: 1 }], source: 'CSV', deleted: false, updatedAt: at, ...extra };
};
const target = (key: string, seq: number, value: number, extra: Partial<StockTarget> = {}): StockTarget => {
  const [channel, shopId, itemId, skuId] = key.split(':') as [string, string, string, string];
  return { listingKey: key, channel, shopId, itemId, skuId, target: value, hubSold: 0, seq, sellOut: value === 0, computedAt: T0 + seq * 1000, ...extra };
};
const push = (
  key: string,
  id: string,
  seq: number,
  write: StockPushWrite,
  quantity: number,
  result: StockPushResult,
  at: number,
  extra: Partial<StockPush> = {},
): StockPush => {
  const [channel, shopId] = key.split(':') as [string, string];
  return {
    pushId: id,
    listingKey: key,
    channel,
    shopId,
    seq,
    target: quantity,
    write,
    quantity,
    result,
    reason: null,
    attempt: 1,
    latencyMs: 40,
    at,
    ...extra,
  };
};
const exception = (id: string, state: HubException['state'], at: number, reason: string): HubException => ({
  exceptionId: id,
  kind: 'UNMAPPED_LISTING',
  state,
  subject: C,
  channel: 'pdd',
  shopId: 'shop-p',
  reason,
  at,
});

const mappings: ListingMapping[] = [
  mapping(A, 'SKU-A', T0),
  mapping(A, 'SKU-A', T0 + 5000, { components: [{ sku: 'SKU-A', quantity: 2 }] }), // a bundle of two now
  mapping(B, 'SKU-B', T0),
  mapping(B, 'SKU-B', T0 + 6000, { deleted: true }),
];
// A's targets arrive newest first: the older ones must not win.
const targets: StockTarget[] = [target(A, 3, 7), target(A, 1, 20), target(A, 2, 12), target(B, 1, 0, { hubSold: 4 })];
const pushes: StockPush[] = [
  push(A, 'p-a1', 1, 'SET', 20, 'APPLIED', T0 + 1100),
  push(A, 'p-a3', 3, 'SET', 7, 'APPLIED', T0 + 3100),
  push(A, 'p-a2', 2, 'SET', 12, 'APPLIED', T0 + 2100), // older seq, arrives later: last_pushed stays 7
  push(A, 'p-a3r', 3, 'READ', 7, 'CONFIRMED', T0 + 3500),
  push(A, 'p-a3f', 3, 'SET', 99, 'FAILED', T0 + 3000, { reason: 'taobao 500' }), // an earlier call: not the last result
  // Increment-only: told +(-4) to reach the target 0; the platform later refuses once more.
  push(B, 'p-b1', 1, 'INCREMENT', -4, 'APPLIED', T0 + 1200, { target: 0 }),
  push(B, 'p-b1x', 1, 'INCREMENT', -4, 'RATE_LIMITED', T0 + 1300, { target: 0, reason: 'quota', attempt: 2 }),
];
const exceptions: HubException[] = [
  exception('x-c', 'OPEN', T0 + 2000, 'no mapping for pdd listing item-3/sku-3'),
  exception('x-c', 'CANCEL_REQUESTED', T0 + 9000, 'policy cancels unmapped orders'),
  exception('x-c', 'OPEN', T0 + 1000, 'first sighting'), // late, older: keeps the state, moves first_at back
  exception('x-d', 'OPEN', T0 + 4000, 'paid order cannot be filled'),
];

describe('stock-sync projection', () => {
  let ctx: TestContext;
  let producer: Producer;
  let sink: Running<object>;
  let live: string;
  const extraSchemas: string[] = [];
  const q = async (sql: string) => (await ctx.pool.query(sql.replaceAll('$S', live))).rows;
  const caughtUp = () =>
    waitUntilCaughtUp(ctx.admin, [{ groupId: `${ctx.namespace}.${postgresSink.name}`, topics: SINK_INPUTS.map((t) => ctx.topic(t)) }], 60_000);
  const publishAll = async () => {
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'listingMappings',
      mappings.map((m) => ({ key: m.listingKey, value: m })),
    );
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockTargets',
      targets.map((t) => ({ key: t.listingKey, value: t })),
    );
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockPushes',
      pushes.map((p) => ({ key: p.listingKey, value: p })),
    );
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'hubExceptions',
      exceptions.map((e) => ({ key: e.subject, value: e })),
    );
  };

  beforeAll(async () => {
    ctx = await createTestContext('sproj');
    live = ctx.namespace;
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    sink = await runProcessor(postgresSink, ctx.runtime(producer), { schema: live });
    await publishAll();
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await sink?.stop();
    await producer?.disconnect();
    for (const s of extraSchemas) await ctx?.pool.query(`drop schema if exists ${s} cascade`).catch(() => {});
    await ctx?.close();
  });

  it('listings: the newest mapping wins; an unmapping is kept, marked deleted', async () => {
    expect(await q(`select listing_key, channel, shop_id, item_id, sku_id, components, source, deleted from $S.listings order by listing_key`)).toEqual([
      {
        listing_key: A,
        channel: 'taobao',
        shop_id: SHOP,
        item_id: 'item-1',
        sku_id: 'sku-1',
        components: [{ sku: 'SKU-A', quantity: 2 }],
        source: 'CSV',
        deleted: false,
      },
      {
        listing_key: B,
        channel: 'taobao',
        shop_id: SHOP,
        item_id: 'item-2',
        sku_id: 'sku-2',
        components: [{ sku: 'SKU-B', quantity: 1 }],
        source: 'CSV',
        deleted: true,
      },
    ]);
  });

  it('listing stock: the newest target by seq; last pushed from applied writes (increment: its target); last confirmed; the last call', async () => {
    expect(
      await q(`select listing_key, target::int, target_seq::int, hub_sold::int, sell_out, last_pushed::int, pushed_seq::int, last_confirmed::int,
        (extract(epoch from confirmed_at) * 1000)::bigint as confirmed, last_result, last_reason from $S.listing_stock order by listing_key`),
    ).toEqual([
      {
        listing_key: A,
        target: 7,
        target_seq: 3,
        hub_sold: 0,
        sell_out: false,
        last_pushed: 7,
        pushed_seq: 3,
        last_confirmed: 7,
        confirmed: String(T0 + 3500),
        last_result: 'CONFIRMED',
        last_reason: null,
      },
      {
        listing_key: B,
        target: 0,
        target_seq: 1,
        hub_sold: 4,
        sell_out: true,
        last_pushed: 0,
        pushed_seq: 1,
        last_confirmed: null,
        confirmed: null,
        last_result: 'RATE_LIMITED',
        last_reason: 'quota',
      },
    ]);
  });

  it('every push is a row of its own', async () => {
    expect(await q(`select push_id, write, quantity::int, result, reason from $S.stock_pushes order by listing_key, at`)).toEqual(
      [...pushes]
        .sort((a, b) => (a.listingKey < b.listingKey ? -1 : a.listingKey > b.listingKey ? 1 : a.at - b.at))
        .map((p) => ({ push_id: p.pushId, write: p.write, quantity: p.quantity, result: p.result, reason: p.reason })),
    );
  });

  it('hub exceptions: the newest state and reason, the earliest time seen', async () => {
    expect(
      await q(`select exception_id, kind, state, subject, reason, (extract(epoch from at) * 1000)::bigint as at,
        (extract(epoch from first_at) * 1000)::bigint as first from $S.hub_exceptions order by exception_id`),
    ).toEqual([
      {
        exception_id: 'x-c',
        kind: 'UNMAPPED_LISTING',
        state: 'CANCEL_REQUESTED',
        subject: C,
        reason: 'policy cancels unmapped orders',
        at: String(T0 + 9000),
        first: String(T0 + 1000),
      },
      {
        exception_id: 'x-d',
        kind: 'UNMAPPED_LISTING',
        state: 'OPEN',
        subject: C,
        reason: 'paid order cannot be filled',
        at: String(T0 + 4000),
        first: String(T0 + 4000),
      },
    ]);
  });

  it('a newer target and an older one arriving later: only the newer moves the row', async () => {
    await publish(producer, ctx.serde, ctx.namespace, 'stockTargets', [
      { key: A, value: target(A, 5, 3) },
      { key: A, value: target(A, 4, 30) },
    ]);
    await caughtUp();
    expect(await q(`select target::int, target_seq::int, last_pushed::int from $S.listing_stock where listing_key = '${A}'`)).toEqual([
      { target: 3, target_seq: 5, last_pushed: 7 },
    ]);
  });

  it('a replay from the topics equals the live schema', async () => {
    const targetSchema = `${live}_r`;
    extraSchemas.push(targetSchema);
    const result = await replayProjections({
      kafka: ctx.kafka,
      serde: ctx.serde,
      pool: ctx.pool,
      namespace: ctx.namespace,
      targetSchema,
      protectedSchemas: [live],
      writers: 3,
      batchSize: 2,
      log: ctx.log,
    });
    expect(result.byTopic).toMatchObject({ listingMappings: mappings.length, stockTargets: targets.length + 2, stockPushes: pushes.length });
    const c = await compareSchemas(ctx.pool, live, targetSchema);
    expect(c.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
    expect(c.identical).toBe(true);
  }, 120_000);

  it('redelivery of everything (each record published again) leaves every table as it was', async () => {
    const before = await tableDigests(ctx.pool, live);
    await publishAll();
    await caughtUp();
    expect(await tableDigests(ctx.pool, live)).toEqual(before);
    expect(await q(`select count(*)::int as n from $S.stock_pushes`)).toEqual([{ n: pushes.length }]);
  }, 120_000);
});
