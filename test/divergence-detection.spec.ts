import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableProducer } from '../lib/kafka.js';
import { inputsOf } from '../lib/processor/definition.js';
import { runProcessor } from '../lib/processor/run.js';
import { uniformDivergenceConfig } from '../processors/divergence/config.js';
import { factOf } from '../processors/divergence/facts.js';
import { HISTORY_PATHS, type HistoryPlan, type InputRecord, orderHistory, outcomeRecord } from '../processors/divergence/histories.js';
import { type DivergenceProcessor, divergenceProcessor } from '../processors/divergence/processor.js';
import { divergenceReport, summarizeDivergences } from '../processors/divergence/report.js';
import { RedisDivergenceStore } from '../processors/divergence/store.js';
import { channelCommandTopic, topicName } from '../topics/catalog.js';
import type { DivergenceEvent } from '../topics/schemas/divergence-event.js';
import { createTestContext, type TestContext } from './support/context.js';
import { publishRecords, TopicCollector } from './support/divergence-io.js';

/*
 * The divergence processor on the real stack (Kafka, registry, Redis). Each test writes one order's
 * views straight to the input topics (order, inventory and fulfilment events with their own broker
 * times, command outcomes), then lets time pass with an injected clock and tick(now): one minute
 * of grace per type, one second of settling.
 */
const G = 60_000;
const SETTLE = 1000;
const DAY = 24 * 3600_000;
const T0 = Date.now() - 60 * DAY;
const base = (i: number) => T0 + i * DAY;
const kind = (r: InputRecord) => (r.value as { kind?: string }).kind;
const status = (r: InputRecord) => (r.value as { status?: string }).status;
const occurredAt = (r: InputRecord) => (r.value as { occurredAt: number }).occurredAt;

describe('divergence detection on the real stack', () => {
  let ctx: TestContext;
  let producer: ReturnType<typeof createDurableProducer>;
  let processor: DivergenceProcessor;
  let clock = 0;
  let divergences: TopicCollector<'divergences'>;
  let warehouseCommands: TopicCollector<'warehouseCommands'>;
  let channelCommands: TopicCollector<'channelCommands'>;
  let store: RedisDivergenceStore;
  const published = new Map<string, Set<string>>();

  const start = () => runProcessor(divergenceProcessor, ctx.runtime(producer), { config: uniformDivergenceConfig(G, SETTLE), now: () => clock });

  /** Publishes records and waits until the processor holds every fact they state. */
  async function feed(records: InputRecord[]): Promise<void> {
    await publishRecords(ctx, producer, records);
    for (const r of records) {
      const f = factOf(r);
      if (f) published.set(f.orderKey, (published.get(f.orderKey) ?? new Set()).add(f.id));
    }
    const keys = new Set(records.map((r) => factOf(r)?.orderKey).filter((k): k is string => !!k));
    const deadline = Date.now() + 30_000;
    for (const key of keys) {
      while ((await ctx.redis.hlen(`${store.prefix}f:${key}`)) < published.get(key)!.size) {
        if (Date.now() > deadline) throw new Error(`facts of ${key} not all consumed`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Waits until the processor's group has committed every input record written so far. */
  async function consumed(): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      let behind = 0;
      for (const id of inputsOf(divergenceProcessor)) {
        const topic = topicName(ctx.namespace, id);
        const ends = await ctx.admin.fetchTopicOffsets(topic);
        const [committed] = await ctx.admin.fetchOffsets({ groupId: `${ctx.namespace}.${divergenceProcessor.name}`, topics: [topic] });
        for (const e of ends) {
          const c = committed?.partitions.find((p) => p.partition === e.partition);
          behind += Number(e.high) - Math.max(0, Number(c?.offset ?? 0));
        }
      }
      if (behind === 0) return;
      if (Date.now() > deadline) throw new Error(`${behind} input records not consumed`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const of = (key: string) => (d: DivergenceEvent) => d.orderKey === key;
  const plan = (orderKey: string, i: number, p: Partial<HistoryPlan> = {}): HistoryPlan => ({
    orderKey,
    start: base(i),
    path: 'delivered',
    lags: [800, 2500, 1500],
    gaps: [4 * 60_000, 25 * 60_000, 90 * 60_000],
    ...p,
  });

  beforeAll(async () => {
    ctx = await createTestContext('divergence');
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    store = new RedisDivergenceStore(ctx.redis, ctx.namespace);
    processor = await start();
    divergences = await TopicCollector.start(ctx, 'divergences');
    warehouseCommands = await TopicCollector.start(ctx, 'warehouseCommands');
    channelCommands = await TopicCollector.start(ctx, 'channelCommands', channelCommandTopic(ctx.namespace, 'taobao'));
  });
  afterAll(async () => {
    await processor?.stop();
    await Promise.all([divergences?.stop(), warehouseCommands?.stop(), channelCommands?.stop()]);
    await producer?.disconnect();
    await ctx?.close();
  });

  it('SHIPPED_NOT_SYNCED: opens after the window, asks the channel to ship, resolves when the channel shows it', async () => {
    const key = 'taobao:shop-d:2001';
    const records = orderHistory(plan(key, 1, { anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 2 * G }));
    const repair = records.find((r) => r.topic === 'orderEvents' && status(r) === 'SHIPPED')!;
    const shippedAt = occurredAt(records.find((r) => r.topic === 'fulfilmentEvents' && kind(r) === 'SHIPPED')!);
    clock = base(1);
    await feed(records.filter((r) => r.timestamp < repair.timestamp && r !== repair));
    clock = repair.timestamp - 1000;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({
      type: 'SHIPPED_NOT_SYNCED',
      since: shippedAt,
      openedAt: shippedAt + G,
      action: 'SHIP',
      channelView: 'PAID',
      warehouseView: 'WH-EAST:SHIPPED',
      channel: 'taobao',
    });
    const [ship] = await channelCommands.waitFor((c) => c.orderKey === key);
    expect(ship).toMatchObject({
      kind: 'SHIP',
      commandId: `${opened!.divergenceId}:SHIP`,
      carrier: 'ZTO',
      waybillNo: 'ZT0000002001',
      channelOrderId: '2001',
      shopId: 'shop-d',
      divergenceId: opened!.divergenceId,
    });

    await feed([repair]);
    clock = occurredAt(repair) + SETTLE;
    await processor.tick(clock);
    const [resolved] = await divergences.waitFor((d) => of(key)(d) && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({
      divergenceId: opened!.divergenceId,
      durationMs: 2 * G,
      resolution: 'channel shows SHIPPED',
      occurredAt: shippedAt + 2 * G,
    });
  });

  it('CANCELLED_IN_FULFILMENT: intercepts at the warehouse (stock still held is said), resolves on INTERCEPTED', async () => {
    const key = 'taobao:shop-d:2002';
    const records = orderHistory(plan(key, 2, { path: 'cancelled-picking', anomaly: 'CANCELLED_IN_FULFILMENT', anomalyLag: 2 * G })).filter(
      (r) => !(r.topic === 'inventoryEvents' && kind(r) === 'RELEASED'),
    );
    const repair = records.find((r) => kind(r) === 'INTERCEPTED')!;
    clock = base(2);
    await feed(records.filter((r) => r !== repair));
    clock = occurredAt(repair) - 1000;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({ type: 'CANCELLED_IN_FULFILMENT', action: 'INTERCEPT', channelView: 'REFUNDING', warehouseView: 'WH-EAST:PICKED' });
    expect(opened!.hubView).toContain('stock still held');
    const [intercept] = await warehouseCommands.waitFor((c) => c.orderKey === key);
    expect(intercept).toMatchObject({
      kind: 'INTERCEPT',
      warehouse: 'WH-EAST',
      shipmentId: `${key}#WH-EAST`,
      commandId: `${opened!.divergenceId}:INTERCEPT:WH-EAST`,
    });

    await feed([repair]);
    clock = occurredAt(repair) + SETTLE;
    await processor.tick(clock);
    const [resolved] = await divergences.waitFor((d) => of(key)(d) && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({ resolution: 'parcel intercepted', durationMs: occurredAt(repair) - opened!.since });
  });

  it('PAID_NOT_SEEN: the hub never acted on a payment: a targeted pull from the channel time, resolved when the hub reserves', async () => {
    const key = 'taobao:shop-d:2003';
    const records = orderHistory(plan(key, 3));
    const paid = records.find((r) => r.topic === 'orderEvents' && status(r) === 'PAID')!;
    const reserved = records.find((r) => kind(r) === 'RESERVED')!;
    clock = base(3);
    await feed(records.filter((r) => r.timestamp <= paid.timestamp && r !== reserved));
    clock = paid.timestamp + G;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({ type: 'PAID_NOT_SEEN', since: occurredAt(paid), action: 'RECONCILE_ORDER', channelView: 'PAID', hubView: 'LOCKED' });
    const [pull] = await channelCommands.waitFor((c) => c.orderKey === key);
    expect(pull).toMatchObject({ kind: 'RECONCILE_ORDER', since: occurredAt(paid), commandId: `${opened!.divergenceId}:RECONCILE_ORDER` });

    const actedAt = paid.timestamp + 2 * G;
    await feed([{ ...reserved, timestamp: actedAt }]);
    clock = actedAt + SETTLE;
    await processor.tick(clock);
    const [resolved] = await divergences.waitFor((d) => of(key)(d) && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({ resolution: 'hub acted on the payment', durationMs: actedAt - occurredAt(paid) });
  });

  it('PAID_NOT_SEEN revealed late by a pull: recorded with its true duration, opened and resolved back to back, no repair', async () => {
    const key = 'taobao:shop-d:2004';
    const records = orderHistory(plan(key, 4, { anomaly: 'PAID_NOT_SEEN', anomalyLag: 5 * 60_000 }));
    const paid = records.find((r) => r.topic === 'orderEvents' && status(r) === 'PAID')!;
    const reserved = records.find((r) => kind(r) === 'RESERVED')!;
    clock = base(4);
    await feed(records);
    clock = reserved.timestamp + SETTLE;
    await processor.tick(clock);
    const events = await divergences.waitFor(of(key), 2);
    expect(events.map((d) => [d.type, d.state, d.since, d.openedAt, d.durationMs, d.action])).toEqual([
      ['PAID_NOT_SEEN', 'OPENED', occurredAt(paid), occurredAt(paid) + G, null, null],
      ['PAID_NOT_SEEN', 'RESOLVED', occurredAt(paid), occurredAt(paid) + G, reserved.timestamp - occurredAt(paid), null],
    ]);
    expect(channelCommands.records.filter((c) => c.orderKey === key)).toEqual([]);
  });

  it('DELIVERED_NOT_CONFIRMED: reconciles; a FAILED repair escalates; the escalated divergence still resolves', async () => {
    const key = 'taobao:shop-d:2005';
    const records = orderHistory(plan(key, 5, { anomaly: 'DELIVERED_NOT_CONFIRMED', anomalyLag: 10 * G }));
    const repair = records.find((r) => r.topic === 'orderEvents' && status(r) === 'DELIVERED')!;
    const deliveredAt = occurredAt(records.find((r) => kind(r) === 'DELIVERED')!);
    clock = base(5);
    await feed(records.filter((r) => r.timestamp < repair.timestamp && r !== repair));
    clock = deliveredAt + 2 * G;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({
      type: 'DELIVERED_NOT_CONFIRMED',
      since: deliveredAt,
      action: 'RECONCILE_ORDER',
      carrierView: 'DELIVERED',
      channelView: 'SHIPPED',
    });
    const [pull] = await channelCommands.waitFor((c) => c.orderKey === key);

    await feed([
      outcomeRecord({
        commandId: pull!.commandId,
        commandKind: 'RECONCILE_ORDER',
        orderKey: key,
        channel: 'taobao',
        divergenceId: opened!.divergenceId,
        state: 'FAILED',
        reason: 'API quota exhausted',
        occurredAt: clock + 1000,
      }),
    ]);
    const [escalated] = await divergences.waitFor((d) => of(key)(d) && d.state === 'ESCALATED');
    expect(escalated).toMatchObject({ resolution: 'repair failed: API quota exhausted', occurredAt: clock + 1000 });

    await feed([repair]);
    clock = occurredAt(repair) + SETTLE;
    await processor.tick(clock);
    const [resolved] = await divergences.waitFor((d) => of(key)(d) && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({ durationMs: 10 * G, resolution: 'channel shows DELIVERED' });
    // Escalated once only, although the window ran out meanwhile too.
    expect(divergences.records.filter((d) => of(key)(d) && d.state === 'ESCALATED')).toHaveLength(1);
  });

  it('NO_CARRIER_SCAN: opened by time alone, without a command; resolved by the first carrier scan', async () => {
    const key = 'taobao:shop-d:2006';
    const records = orderHistory(plan(key, 6, { anomaly: 'NO_CARRIER_SCAN', anomalyLag: 2 * G }));
    const repair = records.find((r) => kind(r) === 'COLLECTED')!;
    clock = base(6);
    await feed(records.filter((r) => r.timestamp < repair.timestamp && r !== repair));
    clock = occurredAt(repair) - 1000;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({ type: 'NO_CARRIER_SCAN', action: null, carrierView: null });
    await feed([repair]);
    clock = occurredAt(repair) + SETTLE;
    await processor.tick(clock);
    const [resolved] = await divergences.waitFor((d) => of(key)(d) && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({ resolution: 'carrier scanned the parcel', durationMs: 2 * G });
    expect(channelCommands.records.filter((c) => c.orderKey === key)).toEqual([]);
  });

  it('CONTRADICTION: delivered although the channel shows it cancelled; escalated when its window runs out three times', async () => {
    const key = 'taobao:shop-d:2007';
    const records = orderHistory(plan(key, 7, { anomaly: 'CONTRADICTION' }));
    const delivered = records.find((r) => kind(r) === 'DELIVERED')!;
    clock = base(7);
    await feed(records);
    clock = delivered.timestamp + G;
    await processor.tick(clock);
    const [opened] = await divergences.waitFor((d) => of(key)(d) && d.state === 'OPENED');
    expect(opened).toMatchObject({ type: 'CONTRADICTION', channelView: 'CANCELLED', carrierView: 'DELIVERED', since: occurredAt(delivered) });
    clock = occurredAt(delivered) + 3 * G;
    await processor.tick(clock);
    const [escalated] = await divergences.waitFor((d) => of(key)(d) && d.state === 'ESCALATED');
    expect(escalated).toMatchObject({ occurredAt: occurredAt(delivered) + 3 * G, resolution: 'still open after 180 s' });
  });

  it('a restart and a republish of the same records open nothing new and send no second command', async () => {
    await consumed();
    const before = { d: divergences.records.length, w: warehouseCommands.records.length, c: channelCommands.records.length };
    const again = [1, 2, 3, 5].flatMap((i) =>
      orderHistory(
        plan(
          `taobao:shop-d:200${i}`,
          i,
          i === 1
            ? { anomaly: 'SHIPPED_NOT_SYNCED', anomalyLag: 2 * G }
            : i === 2
              ? { path: 'cancelled-picking', anomaly: 'CANCELLED_IN_FULFILMENT', anomalyLag: 2 * G }
              : i === 5
                ? { anomaly: 'DELIVERED_NOT_CONFIRMED', anomalyLag: 10 * G }
                : {},
        ),
      ),
    );
    await processor.stop();
    processor = await start();
    await publishRecords(
      ctx,
      producer,
      again.filter((r) => !(r.topic === 'inventoryEvents' && kind(r) === 'RESERVED' && r.key.includes('2003'))),
    );
    await consumed();
    await processor.tick(clock);
    await new Promise((r) => setTimeout(r, 2000));
    expect({ d: divergences.records.length, w: warehouseCommands.records.length, c: channelCommands.records.length }).toEqual(before);
  });

  it('2,000 healthy orders, duplicated and written topic by topic in reverse order, open zero divergences; the one real contradiction among them is found', async () => {
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const histories = Array.from({ length: 2000 }, (_, n) =>
      orderHistory({
        orderKey: `taobao:shop-v:${30_000 + n}`,
        start: base(20) + n * 1000,
        path: HISTORY_PATHS[Math.floor(rand() * HISTORY_PATHS.length)]!,
        lags: Array.from({ length: 5 }, () => Math.floor(rand() * 10_000)),
        gaps: Array.from({ length: 5 }, () => Math.floor(rand() * 3 * 3600_000)),
      }),
    );
    // One order whose channel confirmed the delivery two windows late: exactly one divergence.
    const odd = orderHistory(plan('taobao:shop-w:39999', 20, { anomaly: 'DELIVERED_NOT_CONFIRMED', anomalyLag: 2 * G }));
    const all = [...histories.flat(), ...odd];
    const byTopic = (t: string) => all.filter((r) => r.topic === t);
    const duplicates = all.filter(() => rand() < 0.3);
    clock = base(20) - 1;
    // Fulfilment first, then the hub's decisions, then the channels: the worst cross-topic order.
    await publishRecords(ctx, producer, [...byTopic('fulfilmentEvents'), ...byTopic('inventoryEvents'), ...byTopic('orderEvents')]);
    await publishRecords(ctx, producer, duplicates);
    await consumed();
    clock = Math.max(...all.map((r) => r.timestamp)) + 10 * G;
    await processor.tick(clock);
    await new Promise((r) => setTimeout(r, 2000));
    const mine = (orderKey: string) => orderKey.startsWith('taobao:shop-v:');
    expect(divergences.records.filter((d) => mine(d.orderKey))).toEqual([]);
    expect(channelCommands.records.filter((c) => mine(c.orderKey))).toEqual([]);
    expect(warehouseCommands.records.filter((c) => mine(c.orderKey))).toEqual([]);
    const found = await divergences.waitFor(of('taobao:shop-w:39999'), 2);
    expect(found.map((d) => [d.type, d.state, d.durationMs])).toEqual([
      ['DELIVERED_NOT_CONFIRMED', 'OPENED', null],
      ['DELIVERED_NOT_CONFIRMED', 'RESOLVED', 2 * G],
    ]);
    const facts = await ctx.redis.hlen(`${store.prefix}f:taobao:shop-v:30000`);
    expect(facts).toBeGreaterThan(2);
  }, 240_000);

  it('reports per type from Redis and from the topic alike, and exposes metrics', async () => {
    const report = await divergenceReport(ctx.redis, ctx.namespace);
    expect(summarizeDivergences(divergences.records)).toEqual(report);
    expect(report.byType.SHIPPED_NOT_SYNCED).toMatchObject({ opened: 1, resolved: 1, open: 0, escalated: 0, p50Ms: 2 * G, p99Ms: 2 * G });
    expect(report.byType.PAID_NOT_SEEN).toMatchObject({ opened: 2, resolved: 2, open: 0 });
    expect(report.byType.DELIVERED_NOT_CONFIRMED).toMatchObject({ opened: 2, resolved: 2, escalated: 1, p50Ms: 2 * G, p99Ms: 10 * G });
    expect(report.byType.CONTRADICTION).toMatchObject({ opened: 1, resolved: 0, open: 1, escalated: 1, p50Ms: null });
    const text = await processor.metrics.registry.metrics();
    expect(text).toContain('omnistream_divergences_open{type="CONTRADICTION",channel="taobao"} 1');
    expect(text).toContain('omnistream_divergences_open{type="SHIPPED_NOT_SYNCED",channel="all"} 0');
    expect(text).toMatch(/omnistream_channel_sync_lag_seconds_count\{channel="taobao",stage="received"\} [1-9]/);
  });
});

describe('divergence timer on the wall clock', () => {
  let ctx: TestContext;
  let producer: ReturnType<typeof createDurableProducer>;
  let processor: DivergenceProcessor;
  let divergences: TopicCollector<'divergences'>;

  beforeAll(async () => {
    ctx = await createTestContext('divergence_clock');
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    // Two seconds of grace, half a second to settle, the real 1 s timer (with its Redis lease).
    processor = await runProcessor(divergenceProcessor, ctx.runtime(producer), { config: uniformDivergenceConfig(2000, 500) });
    divergences = await TopicCollector.start(ctx, 'divergences');
  });
  afterAll(async () => {
    await processor?.stop();
    await divergences?.stop();
    await producer?.disconnect();
    await ctx?.close();
  });

  it('opens a shipment the channel was not told about by itself, and resolves it when the channel shows it', async () => {
    const key = 'taobao:shop-c:4001';
    const records = orderHistory({
      orderKey: key,
      start: Date.now() - 10_000,
      path: 'delivered',
      lags: [100],
      gaps: [0],
      anomaly: 'SHIPPED_NOT_SYNCED',
      anomalyLag: 5000,
    });
    const repair = records.find((r) => r.topic === 'orderEvents' && status(r) === 'SHIPPED')!;
    await publishRecords(
      ctx,
      producer,
      records.filter((r) => r.timestamp < repair.timestamp && r !== repair),
    );
    const [opened] = await divergences.waitFor((d) => d.orderKey === key && d.state === 'OPENED');
    expect(opened).toMatchObject({ type: 'SHIPPED_NOT_SYNCED', action: 'SHIP' });
    const now = Date.now();
    await publishRecords(ctx, producer, [{ ...repair, timestamp: now, value: { ...repair.value, occurredAt: now, receivedAt: now } } as InputRecord]);
    const [resolved] = await divergences.waitFor((d) => d.orderKey === key && d.state === 'RESOLVED');
    expect(resolved).toMatchObject({ divergenceId: opened!.divergenceId, durationMs: now - opened!.since, resolution: 'channel shows SHIPPED' });
    expect(resolved!.durationMs).toBeGreaterThan(2000);
  });
});
