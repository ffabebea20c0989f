import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import type { ShopConfig } from '../connectors/contract.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import type { ShopifyOrder } from '../connectors/shopify/payload.js';
import { WmsDirectory } from '../connectors/wms/directory.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { divergenceReport } from '../processors/divergence/report.js';
import { type RunningSimulators, startCarrierSimulators } from '../simulators/carriers/index.js';
import { makeShopifyOrder, type ShopifySimulator, shopifyPush, startShopifySimulator, withStatus } from '../simulators/shopify/index.js';
import { startWmsSimulator, type WmsSimulator } from '../simulators/wms/index.js';
import type { DivergenceEvent } from '../topics/schemas/divergence-event.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readAll } from './support/read-topic.js';
import { scanTopic } from './support/topic-scan.js';

/*
 * The incident the divergence processor exists for, replayed on the real stack: during a promotion one channel's webhook
 * pushes fail with 502 at the edge for a window (the hub never sees them; Shopify gives up on
 * them here), while orders keep being created and paid on the channel. Nothing in the hub knows
 * those payments until the incremental reconciliation (every 4 s here, every 2 min by default)
 * pulls them from the channel's query API. The divergence processor must record each payment the
 * hub acted on later than the grace window as a PAID_NOT_SEEN divergence — opened at the end of
 * its grace window, resolved when the hub reserved stock, with its true duration — and none for
 * the orders that flowed normally. Then the warehouse ships everything while the channel still
 * says "paid": SHIPPED_NOT_SYNCED opens, the hub pushes the shipment back to the channel through
 * its ship API (sync-back), the confirming pull brings the channel's new status, and all close.
 *
 * Only the outside world is simulated: Shopify (push, query and fulfillment APIs), the carriers
 * and the WMS. Kafka, the registry, Redis and Postgres are real.
 */

const SHOP_ID = 'incident.myshopify.com';
const SECRET = 'incident-webhook-secret-000001';
const TOKEN = 'shpat_incident_token_000001';
const WMS_SECRET = 'wms-secret-incident-0123456789';
const GRACE_S = 3;
const SKU = 'APP-PROMO-01';
const HEALTHY_BEFORE = 8;
const DURING = 12;
const HEALTHY_AFTER = 8;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The edge in front of the gateway (load balancer): forwards pushes, or answers 502 during the outage. */
function startEdge(target: () => string): Promise<{ url: string; outage: { on: boolean }; answers: number[]; close(): Promise<void> }> {
  const outage = { on: false };
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (outage.on) {
        answers.push(502);
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
      fetch(`${target()}${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) })
        .then(async (r) => {
          answers.push(r.status);
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'text/plain' }).end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => {
          answers.push(502);
          res.writeHead(502).end();
        });
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        outage,
        answers,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    ),
  );
}

describe("the lost-pushes incident: a channel's pushes fail with 502 during a promotion", () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  let shopify: ShopifySimulator;
  let carriers: RunningSimulators;
  let wms: WmsSimulator;
  let edge: Awaited<ReturnType<typeof startEdge>>;
  /** Order id → the channel's time of its payment (what Shopify stamps, whole seconds). */
  const paidAt = new Map<number, number>();
  const outageIds = new Set<number>();

  beforeAll(async () => {
    ctx = await createTestContext('seed_incident');
    shopify = await startShopifySimulator({ accessToken: TOKEN });
    carriers = await startCarrierSimulators();
    wms = await startWmsSimulator({ warehouses: { 'WH-EAST': WMS_SECRET }, hubUrl: () => pipeline.url });
    const shop: ShopConfig = {
      channel: 'shopify',
      shopId: SHOP_ID,
      brand: 'Promo',
      secret: SECRET,
      endpoint: shopify.url,
      credentials: { accessToken: TOKEN },
    };
    pipeline = await startPipeline(
      {
        ...ctx.config,
        OMNISTREAM_HTTP_PORT: 0,
        OMNISTREAM_RECONCILE_CRON: 'off',
        OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0,
        OMNISTREAM_WAREHOUSES: ['WH-EAST:浙江'],
        OMNISTREAM_RECONCILE_INCREMENTAL_CRON: '*/4 * * * * *',
        OMNISTREAM_RECONCILE_INCREMENTAL_LOOKBACK_MINUTES: 10,
        OMNISTREAM_DIVERGENCE_PAID_NOT_SEEN_GRACE_SECONDS: GRACE_S,
        OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS: GRACE_S,
      },
      ctx.log,
      {
        shops: new ShopDirectory([shop]),
        carriers: carriers.directory,
        wms: new WmsDirectory({ 'WH-EAST': { secret: WMS_SECRET, endpoint: wms.endpoint('WH-EAST') } }),
      },
    );
    edge = await startEdge(() => pipeline.url);
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      {
        key: SKU,
        value: {
          movementId: `count-${SKU}`,
          kind: 'COUNT' as const,
          sku: SKU,
          warehouse: 'WH-EAST',
          quantity: 1_000,
          orderKey: null,
          occurredAt: Date.now() - 60_000,
        },
      },
    ]);
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await edge?.close();
    await wms?.close();
    await carriers?.stop();
    await shopify?.close();
    await ctx?.close();
  });

  /** One order of the promotion: created and paid on Shopify, both pushed through the edge. */
  async function sell(id: number): Promise<void> {
    const created = makeShopifyOrder({
      id,
      lines: [{ sku: SKU, quantity: 1, price: '99.00' }],
      createdAt: new Date(Date.now() - 1000),
      province: { name: 'Zhejiang', code: 'ZJ' },
      city: 'Hangzhou',
      countryCode: 'CN',
      currency: 'CNY',
    });
    const paid: ShopifyOrder = withStatus(created, 'paid', null, new Date());
    shopify.upsertOrder(paid); // what the query API answers from now on
    paidAt.set(id, Math.floor(Date.parse(paid.updated_at) / 1000) * 1000);
    for (const [order, topic] of [
      [created, 'orders/create'],
      [paid, 'orders/paid'],
    ] as const) {
      const push = shopifyPush(order, topic, SECRET, SHOP_ID);
      await fetch(`${edge.url}/webhooks/shopify/${SHOP_ID}`, { method: 'POST', headers: push.headers, body: push.body });
    }
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('records a PAID_NOT_SEEN divergence for each payment the hub learned late, repairs them all by reconciliation, and none for the others', async () => {
    let id = 7_100_000_000;
    for (let i = 0; i < HEALTHY_BEFORE; i++) await sell(++id);
    edge.outage.on = true;
    for (let i = 0; i < DURING; i++) {
      await sell(++id);
      outageIds.add(id);
      await pause(400); // the outage lasts ~5 s of selling
    }
    edge.outage.on = false;
    for (let i = 0; i < HEALTHY_AFTER; i++) await sell(++id);
    expect(edge.answers.filter((s) => s === 502)).toHaveLength(2 * DURING);
    expect(edge.answers.filter((s) => s === 200)).toHaveLength(2 * (HEALTHY_BEFORE + HEALTHY_AFTER));

    // The incremental reconciliation brings every lost order; the hub reserves its stock.
    const keyOf = (n: number) => `shopify:${SHOP_ID}:${n}`;
    const reservedAt = await waitFor(
      'every order reserved',
      async () => {
        const at = new Map<string, number>();
        await scanTopic(ctx.kafka, ctx.admin, ctx.topic('inventoryEvents'), async (r) => {
          const e = await ctx.serde.decode('inventoryEvents', r.value!);
          if (e.kind === 'RESERVED' && e.orderKey && !at.has(e.orderKey)) at.set(e.orderKey, r.timestamp);
        });
        return at.size >= paidAt.size ? at : undefined;
      },
      90_000,
    );

    // Expected, from the timeline alone: a divergence for each order the hub acted on more than
    // the grace window after the channel's payment; none for the others.
    const late = [...paidAt].filter(([n, t]) => reservedAt.get(keyOf(n))! - t > GRACE_S * 1000).map(([n]) => keyOf(n));
    expect(late.length).toBeGreaterThan(0);
    for (const key of late) expect(outageIds.has(Number(key.split(':')[2])), `${key} is late but was not lost`).toBe(true);

    const divergences = await waitFor('each late payment resolved', async () => {
      const all = (await readAll(ctx, 'divergences')).filter((d) => d.type === 'PAID_NOT_SEEN');
      return all.filter((d) => d.state === 'RESOLVED').length >= late.length ? all : undefined;
    });
    const byOrder = new Map<string, DivergenceEvent[]>();
    for (const d of divergences) byOrder.set(d.orderKey, [...(byOrder.get(d.orderKey) ?? []), d]);
    expect(new Set(byOrder.keys())).toEqual(new Set(late));
    for (const key of late) {
      const events = byOrder.get(key)!;
      const opened = events.filter((d) => d.state === 'OPENED');
      const resolved = events.filter((d) => d.state === 'RESOLVED');
      expect(new Set(opened.map((d) => d.divergenceId)).size, key).toBe(1); // no duplicate open divergence
      expect(resolved).toHaveLength(new Set(resolved.map((d) => d.eventId)).size);
      const o = opened[0]!;
      const r = resolved[0]!;
      expect(o.since, key).toBe(paidAt.get(Number(key.split(':')[2])));
      expect(o.openedAt - o.since, key).toBe(GRACE_S * 1000); // opened as its grace window ran out
      expect(r.durationMs, key).toBe(r.occurredAt - o.since);
      expect(r.durationMs!).toBeGreaterThan(GRACE_S * 1000);
    }

    // The report shows how long each took.
    const report = await divergenceReport(pipeline.redis, ctx.namespace);
    expect(report.byType.PAID_NOT_SEEN).toMatchObject({ opened: late.length, resolved: late.length, open: 0 });
    expect(report.byType.PAID_NOT_SEEN.p99Ms!).toBeGreaterThanOrEqual(report.byType.PAID_NOT_SEEN.p50Ms!);
    expect(report.byType.PAID_NOT_SEEN.p50Ms!).toBeGreaterThan(GRACE_S * 1000);
    ctx.log.warn({ report: report.byType.PAID_NOT_SEEN, late: late.length }, 'seed incident: PAID_NOT_SEEN report');
  }, 180_000);

  it('ships everything while the channel still says paid: SHIPPED_NOT_SYNCED opens, the shipment is pushed back, and all close', async () => {
    const shipments = await waitFor('a waybill per order', async () => {
      const issued = (await readAll(ctx, 'fulfilmentEvents')).filter((e) => e.kind === 'WAYBILL_ISSUED');
      return new Set(issued.map((e) => e.shipmentId)).size >= paidAt.size ? issued : undefined;
    });
    const seen = new Set<string>();
    for (const s of shipments) {
      if (seen.has(s.shipmentId)) continue;
      seen.add(s.shipmentId);
      wms.allocate(s.warehouse, {
        shipmentId: s.shipmentId,
        orderKey: s.orderKey,
        lines: s.lines.length > 0 ? s.lines : [{ sku: SKU, quantity: 1 }],
        waybillNo: s.waybillNo,
      });
      for (const type of ['PICKED', 'PACKED', 'SCAN_OUT'] as const) expect((await wms.scan(s.warehouse, s.shipmentId, type)).status).toBe(200);
    }

    // The channel learns of every shipment through its fulfillment API, once each.
    await waitFor('every order fulfilled on Shopify', async () => (shopify.shipments.length >= paidAt.size ? true : undefined), 90_000);
    const fulfilled = new Map<number, number>();
    for (const s of shopify.shipments) fulfilled.set(s.orderId, (fulfilled.get(s.orderId) ?? 0) + 1);
    expect([...fulfilled.keys()].sort()).toEqual([...paidAt.keys()].sort());
    expect([...fulfilled.values()].every((n) => n === 1)).toBe(true);
    const waybillOf = new Map(shipments.map((s) => [s.orderKey, s.waybillNo]));
    for (const s of shopify.shipments) expect(s.trackingNumber).toBe(waybillOf.get(`shopify:${SHOP_ID}:${s.orderId}`));

    // Every SHIPPED_NOT_SYNCED closes once the channel shows the order shipped; nothing stays open.
    const resolved = await waitFor(
      'shipment divergences resolved',
      async () => {
        const report = await divergenceReport(pipeline.redis, ctx.namespace);
        const r = report.byType.SHIPPED_NOT_SYNCED;
        return r.opened > 0 && r.open === 0 ? report : undefined;
      },
      90_000,
    );
    expect(resolved.byType.SHIPPED_NOT_SYNCED.opened).toBe(paidAt.size);
    for (const r of Object.values(resolved.byType)) expect(r.open).toBe(0);
    await pipeline.drain(60_000);
    const { rows } = await ctx.pool.query<{ state: string; n: number }>(`select state, count(*)::int n from ${ctx.namespace}.divergences group by state`);
    expect(rows.find((r) => r.state === 'OPENED' || r.state === 'ESCALATED')).toBeUndefined();
    const { rows: statuses } = await ctx.pool.query<{ status: string; n: number }>(
      `select status, count(*)::int n from ${ctx.namespace}.orders group by status`,
    );
    expect(statuses).toEqual([{ status: 'SHIPPED', n: paidAt.size }]);
    ctx.log.warn({ report: resolved.byType.SHIPPED_NOT_SYNCED }, 'seed incident: SHIPPED_NOT_SYNCED report');
  }, 180_000);
});
