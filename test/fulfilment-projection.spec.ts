import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Producer } from '../lib/kafka.js';
import { createDurableProducer } from '../lib/kafka.js';
import { waitUntilCaughtUp } from '../lib/lag.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { migrate } from '../sinks/postgres/migrate.js';
import { type MoreEvents, writeProjection } from '../sinks/postgres/projection.js';
import { buildQueryApi } from '../sinks/postgres/query-api/index.js';
import { compareSchemas, replayProjections, tableDigests } from '../sinks/postgres/replay.js';
import { postgresSink, SINK_INPUTS } from '../sinks/postgres/sink.js';
import type { CommandOutcome } from '../topics/schemas/command-outcome.js';
import type { DivergenceEvent } from '../topics/schemas/divergence-event.js';
import type { FulfilmentEvent, FulfilmentEventKind } from '../topics/schemas/fulfilment-event.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';
import type { Shipment } from '../topics/schemas/shipment.js';
import { createTestContext, type TestContext } from './support/context.js';

/**
 * The fulfilment and divergence projections on the real stack: shipments, waves, waybills, the
 * order timeline told by each system, the hub's scan-out/delivery moving orders forward (never
 * back), divergences and command outcomes; then a replay equal to the live schema, and
 * redelivery and arrival order changing nothing.
 */
const T0 = Date.parse('2026-11-24T08:00:00Z');
const key = (n: number) => `jd:shop-f:${n}`;
const ship = (n: number, wh = 'WH-EAST') => `${key(n)}#${wh}`;

const order = (n: number, status: OrderStatus, at: number, channelStatus = `jd-${status}`): OrderEvent => ({
  eventId: `jd:${n}:${status}:${at}`,
  orderKey: key(n),
  channel: 'jd',
  shopId: 'shop-f',
  brand: 'F',
  channelOrderId: String(n),
  status,
  channelStatus,
  occurredAt: at,
  receivedAt: at + 50,
  currency: 'CNY',
  totalMinor: 990,
  lines: [{ sku: 'F1', quantity: 1, unitPriceMinor: 990 }],
  buyerCountry: 'CN',
  buyerProvince: 'ZJ',
  buyerCity: 'Hangzhou',
  presale: false,
});
const plan = (n: number, extra: Partial<Shipment> = {}): Shipment => ({
  shipmentId: ship(n),
  orderKey: key(n),
  channel: 'jd',
  shopId: 'shop-f',
  warehouse: 'WH-EAST',
  carrier: 'ZTO',
  service: 'standard',
  lines: [{ sku: 'F1', quantity: 1, category: 'apparel' }],
  buyerCountry: 'CN',
  buyerProvince: 'ZJ',
  buyerCity: 'Hangzhou',
  presale: false,
  shipFrom: null,
  weightGrams: 400,
  paidAt: T0 + 1000,
  routedAt: T0 + 2000,
  cutoffAt: T0 + 8 * 3600_000,
  flagged: false,
  reason: 'rule east-apparel',
  ...extra,
});
const ev = (n: number, kind: FulfilmentEventKind, at: number, extra: Partial<FulfilmentEvent> = {}): FulfilmentEvent => ({
  eventId: `f:${n}:${kind}`,
  kind,
  orderKey: key(n),
  channel: 'jd',
  shipmentId: ship(n),
  warehouse: 'WH-EAST',
  carrier: null,
  waybillNo: null,
  waveId: null,
  flagged: false,
  reason: null,
  lines: [],
  source: 'router',
  occurredAt: at,
  ...extra,
});
const WAVE = 'WH-EAST:2026-11-24T16:00+08:00:east:apparel';
const CATCH_ALL = 'WH-EAST:catch-all:2026-11-24T09:00';
const div = (n: number, type: DivergenceEvent['type'], state: DivergenceEvent['state'], at: number, extra: Partial<DivergenceEvent> = {}): DivergenceEvent => ({
  eventId: `d:${n}:${type}:${state}`,
  divergenceId: `${key(n)}|${type}|${T0}`,
  orderKey: key(n),
  channel: 'jd',
  type,
  state,
  channelView: 'PAID',
  hubView: 'RESERVED',
  warehouseView: 'SHIPPED',
  carrierView: null,
  since: T0,
  openedAt: T0 + 600_000,
  occurredAt: at,
  resolution: null,
  action: null,
  durationMs: null,
  ...extra,
});
const outcome = (cmd: string, n: number, attempt: number, state: CommandOutcome['state'], at: number, reason: string | null = null): CommandOutcome => ({
  outcomeId: `${cmd}#${attempt}`,
  commandId: cmd,
  commandKind: 'SHIP',
  target: 'channel:jd',
  orderKey: key(n),
  channel: 'jd',
  divergenceId: `${key(n)}|SHIPPED_NOT_SYNCED|${T0}`,
  state,
  attempt,
  reason,
  occurredAt: at,
});

// Order 1: routed, waved, waybill, picked, packed, scanned out, delivered. Its channel only says PAID.
// Order 2: a catch-all wave, a failed waybill, intercepted; the channel cancelled it.
// Order 3: scanned out by the warehouse, then the channel says SHIPPED later: the channel's words win (same rank, later).
const fulfilment: FulfilmentEvent[] = [
  ev(1, 'ROUTED', T0 + 2000, { carrier: 'ZTO', reason: 'rule east-apparel' }),
  ev(1, 'WAVED', T0 + 3000, { waveId: WAVE, source: 'wave-planner' }),
  ev(1, 'WAYBILL_ISSUED', T0 + 4000, { carrier: 'ZTO', waybillNo: 'ZT100', source: 'carrier:ZTO' }),
  ev(1, 'PICKED', T0 + 5000, { source: 'wms:WH-EAST' }),
  ev(1, 'PACKED', T0 + 6000, { source: 'wms:WH-EAST', waybillNo: 'ZT100' }),
  ev(1, 'SHIPPED', T0 + 7000, { source: 'wms:WH-EAST', waybillNo: 'ZT100' }),
  ev(1, 'DELIVERED', T0 + 90_000, { source: 'tracking:ZTO', waybillNo: 'ZT100', carrier: 'ZTO' }),
  ev(2, 'ROUTED', T0 + 2100, { carrier: 'YTO', flagged: true, reason: 'no rule for region XZ' }),
  ev(2, 'WAVED', T0 + 3100, { waveId: CATCH_ALL, flagged: true, reason: 'unknown region', source: 'wave-planner' }),
  ev(2, 'WAYBILL_FAILED', T0 + 4100, { carrier: 'YTO', reason: 'YTO: address not served', source: 'carrier:YTO' }),
  ev(2, 'INTERCEPTED', T0 + 5100, { source: 'wms:WH-EAST', reason: 'cancelled on the channel' }),
  ev(3, 'WAVED', T0 + 3200, { waveId: WAVE, source: 'wave-planner' }),
  ev(3, 'SHIPPED', T0 + 7200, { source: 'wms:WH-EAST' }),
];
const shipments: Shipment[] = [plan(1), plan(2, { carrier: 'YTO', flagged: true, reason: 'no rule for region XZ', buyerProvince: 'XZ' }), plan(3)];
const orders: OrderEvent[] = [
  order(1, 'CREATED', T0),
  order(1, 'PAID', T0 + 1000),
  order(2, 'CREATED', T0),
  order(2, 'PAID', T0 + 1000),
  order(2, 'CANCELLED', T0 + 4500),
  order(3, 'PAID', T0 + 1000),
  order(3, 'SHIPPED', T0 + 9000, 'jd-waiting-receipt'),
];
const divergences: DivergenceEvent[] = [
  div(3, 'SHIPPED_NOT_SYNCED', 'OPENED', T0 + 600_000, { action: 'SHIP' }),
  div(3, 'SHIPPED_NOT_SYNCED', 'ESCALATED', T0 + 1_800_000, { resolution: 'repair failed: jd 500' }),
  div(3, 'SHIPPED_NOT_SYNCED', 'RESOLVED', T0 + 2_400_000, { resolution: 'channel confirmed shipment', durationMs: 2_400_000, channelView: 'SHIPPED' }),
  div(1, 'DELIVERED_NOT_CONFIRMED', 'OPENED', T0 + 700_000, { action: 'RECONCILE_ORDER', carrierView: 'DELIVERED' }),
  div(2, 'CANCELLED_IN_FULFILMENT', 'OPENED', T0 + 800_000, { action: 'INTERCEPT', channelView: 'CANCELLED', warehouseView: 'PICKED' }),
];
const outcomes: CommandOutcome[] = [
  outcome('c3:SHIP', 3, 1, 'RETRYING', T0 + 1_700_000, 'jd 500'),
  outcome('c3:SHIP', 3, 2, 'SUCCEEDED', T0 + 2_300_000),
  outcome('c1:RECONCILE', 1, 1, 'FAILED', T0 + 800_000, 'jd 404: order not found'),
];

describe('fulfilment and divergence projections', () => {
  let ctx: TestContext;
  let producer: Producer;
  let sink: Running<object>;
  let live: string;
  const extraSchemas: string[] = [];
  const q = async (sql: string) => (await ctx.pool.query(sql.replaceAll('$S', live))).rows;
  const caughtUp = () =>
    waitUntilCaughtUp(ctx.admin, [{ groupId: `${ctx.namespace}.${postgresSink.name}`, topics: SINK_INPUTS.map((t) => ctx.topic(t)) }], 60_000);
  const publishAll = async (parts: { fulfilment?: boolean; orders?: boolean } = { fulfilment: true, orders: true }) => {
    if (parts.fulfilment) {
      await publish(
        producer,
        ctx.serde,
        ctx.namespace,
        'fulfilmentEvents',
        fulfilment.map((e) => ({ key: e.orderKey, value: e })),
      );
      await publish(
        producer,
        ctx.serde,
        ctx.namespace,
        'warehouseOrders',
        shipments.map((s) => ({ key: s.warehouse, value: s })),
      );
      await publish(
        producer,
        ctx.serde,
        ctx.namespace,
        'divergences',
        divergences.map((d) => ({ key: d.orderKey, value: d })),
      );
      await publish(
        producer,
        ctx.serde,
        ctx.namespace,
        'commandOutcomes',
        outcomes.map((o) => ({ key: o.orderKey, value: o })),
      );
    }
    if (parts.orders)
      await publish(
        producer,
        ctx.serde,
        ctx.namespace,
        'orderEvents',
        orders.map((e) => ({ key: e.orderKey, value: e })),
      );
  };

  beforeAll(async () => {
    ctx = await createTestContext('fproj');
    live = ctx.namespace;
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    sink = await runProcessor(postgresSink, ctx.runtime(producer), { schema: live });
    // The hub's facts first, the channel's order events after: the projection must not depend on it.
    await publishAll({ fulfilment: true });
    await caughtUp();
    await publishAll({ orders: true });
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await sink?.stop();
    await producer?.disconnect();
    for (const s of extraSchemas) await ctx?.pool.query(`drop schema if exists ${s} cascade`).catch(() => {});
    await ctx?.close();
  });

  it('shipments: the plan from warehouse-orders, the newest wave and waybill, the furthest state', async () => {
    expect(
      await q(`select shipment_id, carrier, service, flagged, reason, wave_id, waybill_no, state, buyer_province,
        (extract(epoch from cutoff_at) * 1000)::bigint as cutoff, lines from $S.shipments order by shipment_id`),
    ).toEqual([
      {
        shipment_id: ship(1),
        carrier: 'ZTO',
        service: 'standard',
        flagged: false,
        reason: 'rule east-apparel',
        wave_id: WAVE,
        waybill_no: 'ZT100',
        state: 'DELIVERED',
        buyer_province: 'ZJ',
        cutoff: String(T0 + 8 * 3600_000),
        lines: [{ sku: 'F1', quantity: 1, category: 'apparel' }],
      },
      {
        shipment_id: ship(2),
        carrier: 'YTO',
        service: 'standard',
        flagged: true,
        reason: 'no rule for region XZ',
        wave_id: CATCH_ALL,
        waybill_no: null,
        state: 'INTERCEPTED',
        buyer_province: 'XZ',
        cutoff: String(T0 + 8 * 3600_000),
        lines: [{ sku: 'F1', quantity: 1, category: 'apparel' }],
      },
      {
        shipment_id: ship(3),
        carrier: 'ZTO',
        service: 'standard',
        flagged: false,
        reason: 'rule east-apparel',
        wave_id: WAVE,
        waybill_no: null,
        state: 'SHIPPED',
        buyer_province: 'ZJ',
        cutoff: String(T0 + 8 * 3600_000),
        lines: [{ sku: 'F1', quantity: 1, category: 'apparel' }],
      },
    ]);
  });

  it('waves with their kind; waybills issued and failed with the reason', async () => {
    expect(
      await q(`select w.wave_id, w.warehouse, w.kind, w.flagged, (extract(epoch from w.released_at) * 1000)::bigint as released,
        (select count(*)::int from $S.shipments s where s.wave_id = w.wave_id) as shipments from $S.waves w order by w.wave_id`),
    ).toEqual(
      [
        { wave_id: WAVE, warehouse: 'WH-EAST', kind: 'normal', flagged: false, released: String(T0 + 3000), shipments: 2 },
        { wave_id: CATCH_ALL, warehouse: 'WH-EAST', kind: 'catch-all', flagged: true, released: String(T0 + 3100), shipments: 1 },
      ].sort((a, b) => (a.wave_id < b.wave_id ? -1 : 1)),
    );
    expect(await q(`select waybill_no, carrier, shipment_id, order_key from $S.waybills`)).toEqual([
      { waybill_no: 'ZT100', carrier: 'ZTO', shipment_id: ship(1), order_key: key(1) },
    ]);
    expect(await q(`select order_key, carrier, reason from $S.waybill_failures`)).toEqual([
      { order_key: key(2), carrier: 'YTO', reason: 'YTO: address not served' },
    ]);
  });

  it("the hub's scan-out and delivery move orders forward, never back; the timeline says who said what", async () => {
    expect(await q(`select order_key, status, channel_status from $S.orders order by order_key`)).toEqual([
      { order_key: key(1), status: 'DELIVERED', channel_status: 'carrier:delivered' }, // the channel only said PAID
      { order_key: key(2), status: 'CANCELLED', channel_status: 'jd-CANCELLED' }, // no hub status outranks a cancellation
      { order_key: key(3), status: 'SHIPPED', channel_status: 'jd-waiting-receipt' }, // same rank, the channel said it later
    ]);
    const timeline = await q(`select source, status from $S.order_timeline where order_key = '${key(1)}' order by occurred_at, event_id`);
    expect(timeline).toEqual([
      { source: 'channel:jd', status: 'CREATED' },
      { source: 'channel:jd', status: 'PAID' },
      { source: 'router', status: 'ROUTED' },
      { source: 'wave-planner', status: 'WAVED' },
      { source: 'carrier:ZTO', status: 'WAYBILL_ISSUED' },
      { source: 'wms:WH-EAST', status: 'PICKED' },
      { source: 'wms:WH-EAST', status: 'PACKED' },
      { source: 'wms:WH-EAST', status: 'SHIPPED' },
      { source: 'tracking:ZTO', status: 'DELIVERED' },
      { source: 'sync:divergences', status: 'DIVERGENCE_OPENED' },
      { source: 'command:channel:jd', status: 'SHIP_FAILED' },
    ]);
  });

  it('divergences move OPENED → ESCALATED → RESOLVED with their times; commands keep their latest attempt', async () => {
    expect(
      await q(`select order_key, type, state, action, resolution, duration_ms::int as duration, channel_view,
        (extract(epoch from escalated_at) * 1000)::bigint as escalated, (extract(epoch from resolved_at) * 1000)::bigint as resolved from $S.divergences order by order_key`),
    ).toEqual([
      {
        order_key: key(1),
        type: 'DELIVERED_NOT_CONFIRMED',
        state: 'OPENED',
        action: 'RECONCILE_ORDER',
        resolution: null,
        duration: null,
        channel_view: 'PAID',
        escalated: null,
        resolved: null,
      },
      {
        order_key: key(2),
        type: 'CANCELLED_IN_FULFILMENT',
        state: 'OPENED',
        action: 'INTERCEPT',
        resolution: null,
        duration: null,
        channel_view: 'CANCELLED',
        escalated: null,
        resolved: null,
      },
      {
        order_key: key(3),
        type: 'SHIPPED_NOT_SYNCED',
        state: 'RESOLVED',
        action: 'SHIP',
        resolution: 'channel confirmed shipment',
        duration: 2_400_000,
        channel_view: 'SHIPPED',
        escalated: String(T0 + 1_800_000),
        resolved: String(T0 + 2_400_000),
      },
    ]);
    expect(await q(`select command_id, kind, target, state, attempts, last_reason from $S.commands order by command_id`)).toEqual([
      { command_id: 'c1:RECONCILE', kind: 'SHIP', target: 'channel:jd', state: 'FAILED', attempts: 1, last_reason: 'jd 404: order not found' },
      { command_id: 'c3:SHIP', kind: 'SHIP', target: 'channel:jd', state: 'SUCCEEDED', attempts: 2, last_reason: null },
    ]);
  });

  it("query API: waves by warehouse, an order's fulfilment, open divergences, each paginated by keyset", async () => {
    const app = await buildQueryApi({ pool: ctx.pool, schema: live });
    // Response bodies, as far as this test reads them (the routes' JSON schemas fix the rest).
    type Page<T> = { items: T[]; nextCursor: string | null };
    type Fulfilment = { shipments: unknown[]; waybills: unknown[]; waybillFailures: unknown[]; timeline: { source: string }[] };
    const get = async <T = unknown>(url: string) => {
      const r = await app.inject({ method: 'GET', url });
      return { status: r.statusCode, body: r.json<T>() };
    };
    const all = async <T>(path: string, params: Record<string, string>) => {
      const items: T[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `${path}?${new URLSearchParams({ ...params, limit: '1', ...(cursor ? { cursor } : {}) })}`;
        const { status, body } = await get<Page<T>>(url);
        expect(status, JSON.stringify(body)).toBe(200);
        items.push(...body.items);
        cursor = body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      return { items, pages };
    };
    try {
      const waves = await all<{ waveId: string; kind: string; shipmentCount: number }>('/waves', { warehouse: 'WH-EAST' });
      expect(waves.items.map((w) => [w.waveId, w.kind, w.shipmentCount])).toEqual([
        [CATCH_ALL, 'catch-all', 1],
        [WAVE, 'normal', 2],
      ]); // newest released first
      expect(waves.pages).toBe(2);
      expect((await get<Page<unknown>>('/waves?warehouse=WH-EAST&kind=catch-all')).body.items).toHaveLength(1);
      expect((await get('/waves')).status).toBe(400); // the warehouse is required

      const f = (await get<Fulfilment>(`/orders/${encodeURIComponent(key(1))}/fulfilment`)).body;
      expect(f.shipments).toEqual([expect.objectContaining({ shipmentId: ship(1), state: 'DELIVERED', waybillNo: 'ZT100', waveId: WAVE, carrier: 'ZTO' })]);
      expect(f.waybills).toEqual([{ waybillNo: 'ZT100', carrier: 'ZTO', shipmentId: ship(1), issuedAt: new Date(T0 + 4000).toISOString() }]);
      expect(f.timeline.map((t) => t.source)).toContain('wms:WH-EAST');
      expect((await get<Fulfilment>(`/orders/${encodeURIComponent(key(2))}/fulfilment`)).body.waybillFailures).toEqual([
        expect.objectContaining({ reason: 'YTO: address not served' }),
      ]);
      expect((await get(`/orders/${encodeURIComponent('jd:shop-f:404')}/fulfilment`)).status).toBe(404);

      // Both open ones share openedAt: the keyset breaks the tie on divergenceId.
      const open = await all<{ orderKey: string }>('/divergences', {});
      expect(open.items.map((d) => d.orderKey).sort()).toEqual([key(1), key(2)]);
      expect(open.pages).toBe(2);
      expect(open.items[0]).toMatchObject({ state: 'OPENED', views: { channel: expect.any(String) }, escalatedAt: null });
      expect((await all('/divergences', { state: 'all' })).items).toHaveLength(3);
      expect((await get<Page<{ orderKey: string }>>('/divergences?type=CANCELLED_IN_FULFILMENT')).body.items.map((d) => d.orderKey)).toEqual([key(2)]);
      expect((await get<Page<unknown>>('/divergences?channel=taobao')).body.items).toEqual([]);
      expect((await get('/divergences?type=NOPE')).status).toBe(400);
      const { body } = await get<Page<unknown>>('/divergences?limit=1');
      expect((await get(`/divergences?limit=1&type=SHIPPED_NOT_SYNCED&cursor=${body.nextCursor}`)).status).toBe(400); // a cursor of other filters
    } finally {
      await app.close();
    }
  });

  it('a replay from the topics equals the live schema, with any writer count and batch size', async () => {
    for (const [name, writers, batchSize] of [
      ['r1', 2, 20_000],
      ['r2', 3, 2],
    ] as const) {
      const target = `${live}_${name}`;
      extraSchemas.push(target);
      const result = await replayProjections({
        kafka: ctx.kafka,
        serde: ctx.serde,
        pool: ctx.pool,
        namespace: ctx.namespace,
        targetSchema: target,
        protectedSchemas: [live],
        writers,
        batchSize,
        log: ctx.log,
      });
      expect(result.byTopic).toEqual({
        orderEvents: orders.length,
        inventoryEvents: 0,
        fulfilmentEvents: fulfilment.length,
        warehouseOrders: shipments.length,
        divergences: divergences.length,
        commandOutcomes: outcomes.length,
        listingMappings: 0,
        stockTargets: 0,
        stockPushes: 0,
        hubExceptions: 0,
      });
      const c = await compareSchemas(ctx.pool, live, target);
      expect(c.tables.filter((t) => t.missing + t.extra + t.differing > 0)).toEqual([]);
      expect(c.identical).toBe(true);
    }
  }, 120_000);

  it('redelivery of everything leaves every table as it was', async () => {
    const before = await tableDigests(ctx.pool, live);
    await publishAll();
    await caughtUp();
    expect(await tableDigests(ctx.pool, live)).toEqual(before);
  }, 120_000);

  it('any arrival order across topics, one record at a time, ends in the same rows', async () => {
    // One order's channel events share a partition, so they keep their log order (first_seen_at
    // is the order's first event); everything else may come in any order relative to them.
    type Batch = MoreEvents & { orders?: OrderEvent[] };
    const channel: Batch[] = orders.map((e) => ({ orders: [e] }));
    const others: Batch[] = [
      ...fulfilment.map((e) => ({ fulfilment: [e] })),
      ...shipments.map((s) => ({ shipments: [s] })),
      ...divergences.map((d) => ({ divergences: [d] })),
      ...outcomes.map((o) => ({ outcomes: [o] })),
    ];
    const interleave = (a: Batch[], b: Batch[], every: number) => {
      const out: Batch[] = [];
      let j = 0;
      a.forEach((x, i) => {
        out.push(x);
        if (i % every === 0 && j < b.length) out.push(b[j++]!);
      });
      return [...out, ...b.slice(j)];
    };
    const apply = async (name: string, batches: Batch[]) => {
      const schema = `${live}_${name}`;
      extraSchemas.push(schema);
      await migrate(ctx.pool, schema);
      const client = await ctx.pool.connect();
      try {
        for (const b of batches) await writeProjection(client, schema, b.orders ?? [], [], b);
      } finally {
        client.release();
      }
      const c = await compareSchemas(ctx.pool, live, schema);
      expect(
        c.tables.filter((t) => t.missing + t.extra + t.differing > 0),
        name,
      ).toEqual([]);
      expect(c.identical, name).toBe(true);
    };
    const permutation = others.map((_, i) => (i * 7) % others.length); // fixed; others.length is not a multiple of 7
    expect(new Set(permutation).size).toBe(others.length);
    await apply('rev', [...[...others].reverse(), ...channel]);
    await apply('hubfirst', interleave([...others].reverse(), channel, 3));
    await apply(
      'shuf',
      interleave(
        permutation.map((i) => others[i]!),
        channel,
        2,
      ),
    );
    await apply('chanfirst', [...channel, ...permutation.map((i) => others[i]!)]);
  }, 60_000);
});
