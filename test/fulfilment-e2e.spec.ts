import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { type SimOrder, WIRE_BUILDERS } from '../cli/loadgen/channels.js';
import { freshShop } from '../cli/loadgen/shops.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { WmsDirectory } from '../connectors/wms/directory.js';
import { createDurableProducer } from '../lib/kafka.js';
import { publish } from '../lib/publish.js';
import { type RunningSimulators, startCarrierSimulators } from '../simulators/carriers/index.js';
import { startWmsSimulator, type WmsSimulator } from '../simulators/wms/index.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readAll } from './support/read-topic.js';

/*
 * The whole fulfilment path on the real stack, nothing stubbed but the outside world (channels,
 * carriers and the warehouse's WMS are simulators): signed order pushes from three channels →
 * inventory reservation → routing to the nearest warehouse with a carrier by the rules → picking
 * wave → e-waybill from the carrier's API and a label on the print queue → the WMS scans the
 * parcel picked, packed and out → the order is shipped in Postgres with its whole timeline, and
 * stock reconciles: physical went down by exactly what left, nothing stays locked or reserved.
 */

const WAREHOUSES = { 'WH-EAST': 'wms-secret-east-0123456789', 'WH-SOUTH': 'wms-secret-south-0123456789' };
const CHANNELS = ['shopify', 'youzan', 'meituan'] as const;
const STOCK = 100;
const SKUS = ['APP-TEE-01', 'BTY-CREAM-02', 'ELC-CABLE-03'];
const PROVINCES = [
  { name: '浙江省', code: 'ZJ', city: '杭州市' },
  { name: '广东省', code: 'GD', city: '深圳市' },
  { name: '上海市', code: 'SH', city: '上海市' },
];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('fulfilment end to end: payment → allocation → routing → wave → waybill → scan-out → shipped', () => {
  let ctx: TestContext;
  let pipeline: Pipeline;
  let carriers: RunningSimulators;
  let wms: WmsSimulator;
  const now = Date.now();
  const shops = CHANNELS.map((c, i) => freshShop(c, i));
  const orders: SimOrder[] = Array.from({ length: 12 }, (_, n) => {
    const channel = CHANNELS[n % CHANNELS.length]!;
    const shop = shops.find((s) => s.channel === channel)!;
    const created = now - 60_000 + n * 1000;
    return {
      channel,
      shopId: shop.shopId,
      orderId: `${88_000_000 + n}`,
      times: { create: created, pay: created + 5_000, cancel: created + 9_000 },
      paidBeforeCancel: false,
      lines: [
        { sku: SKUS[n % SKUS.length]!, quantity: 1 + (n % 2), priceFen: 4_900 },
        ...(n % 4 === 0 ? [{ sku: SKUS[(n + 1) % SKUS.length]!, quantity: 1, priceFen: 1_900 }] : []),
      ],
      province: PROVINCES[n % PROVINCES.length]!,
    };
  });
  const keyOf = (o: SimOrder) => `${o.channel}:${o.shopId}:${o.channel === 'youzan' ? `E${o.orderId}` : o.orderId}`;
  const units = (sku: string) =>
    orders
      .flatMap((o) => o.lines)
      .filter((l) => l.sku === sku)
      .reduce((n, l) => n + l.quantity, 0);

  beforeAll(async () => {
    ctx = await createTestContext('fulfilment_e2e');
    carriers = await startCarrierSimulators();
    wms = await startWmsSimulator({ warehouses: WAREHOUSES, hubUrl: () => pipeline.url });
    const wmsDirectory = new WmsDirectory(
      Object.fromEntries(Object.entries(WAREHOUSES).map(([code, secret]) => [code, { secret, endpoint: wms.endpoint(code) }])),
    );
    pipeline = await startPipeline(
      {
        ...ctx.config,
        OMNISTREAM_HTTP_PORT: 0,
        OMNISTREAM_RECONCILE_CRON: 'off',
        OMNISTREAM_UNPAID_TIMEOUT_MINUTES: 0,
        OMNISTREAM_WAREHOUSES: ['WH-EAST:浙江', 'WH-SOUTH:广东'],
      },
      ctx.log,
      { shops: new ShopDirectory(shops), carriers: carriers.directory, wms: wmsDirectory },
    );
    const producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockMovements',
      Object.keys(WAREHOUSES).flatMap((warehouse) =>
        SKUS.map((sku) => ({
          key: sku,
          value: {
            movementId: `count-${sku}-${warehouse}`,
            kind: 'COUNT' as const,
            sku,
            warehouse,
            quantity: STOCK,
            orderKey: null,
            occurredAt: now - 120_000,
          },
        })),
      ),
    );
    await producer.disconnect();
  }, 120_000);

  afterAll(async () => {
    await pipeline?.stop();
    await wms?.close();
    await carriers?.stop();
    await ctx?.close();
  });

  it('ships every paid order through the whole chain, with the timeline in Postgres and stock reconciled', async () => {
    // 1. The channels push each order created, then paid (signed, through the webhook gateway).
    for (const stage of ['create', 'pay'] as const) {
      for (const o of orders) {
        const wire = WIRE_BUILDERS[o.channel]!(o, stage, shops.find((s) => s.shopId === o.shopId)!, { now: Date.now(), nonce: `${o.orderId}${stage}` });
        const res = await fetch(`${pipeline.url}${wire.path}`, { method: 'POST', headers: wire.headers, body: wire.body });
        expect(res.status, `${o.channel} ${stage}`).toBe(200);
      }
    }

    // 2. Routing: one shipment per order (stock is ample, so each fits one warehouse).
    const shipments = await waitFor('a shipment per order', async () => {
      const all = await readAll(ctx, 'warehouseOrders');
      return all.length >= orders.length ? all : undefined;
    });
    expect(new Set(shipments.map((s) => s.orderKey))).toEqual(new Set(orders.map(keyOf)));
    expect(shipments).toHaveLength(orders.length);
    for (const s of shipments) {
      // Nearest warehouse: Guangdong buyers from WH-SOUTH, the rest from WH-EAST.
      expect(s.warehouse, s.orderKey).toBe(s.buyerProvince?.startsWith('广东') ? 'WH-SOUTH' : 'WH-EAST');
      expect(['SF', 'ZTO', 'YTO', 'JD']).toContain(s.carrier);
      expect(s.cutoffAt).toBeGreaterThan(s.routedAt);
    }

    // 3. Waybills and labels: one print job per shipment, from the shipment's own carrier.
    const jobs = await waitFor('a print job per shipment', async () => {
      const all = await readAll(ctx, 'printQueue');
      return new Set(all.map((j) => j.shipmentId)).size >= shipments.length ? all : undefined;
    });
    const jobOf = new Map(jobs.map((j) => [j.shipmentId, j]));
    for (const s of shipments) {
      const job = jobOf.get(s.shipmentId)!;
      expect(job.carrier).toBe(s.carrier);
      expect(job.waybillNo.length).toBeGreaterThan(8);
      if (job.format === 'ZPL') expect(job.label.toString('utf8')).toMatch(/^\^XA[\s\S]*\^XZ\s*$/);
    }

    // 4. Waves: releasing what is due by tomorrow puts every shipment in exactly one wave.
    await pipeline.releaseWaves(now + 2 * 24 * 3_600_000);
    const events = () => readAll(ctx, 'fulfilmentEvents');
    const waved = await waitFor('every shipment waved', async () => {
      const w = (await events()).filter((e) => e.kind === 'WAVED');
      return new Set(w.map((e) => e.shipmentId)).size >= shipments.length ? w : undefined;
    });
    expect(new Set(waved.map((e) => e.shipmentId))).toEqual(new Set(shipments.map((s) => s.shipmentId)));

    // 5. The warehouse picks, packs and scans each parcel out (signed WMS pushes to the hub).
    for (const s of shipments) {
      wms.allocate(s.warehouse, {
        shipmentId: s.shipmentId,
        orderKey: s.orderKey,
        lines: s.lines.map(({ sku, quantity }) => ({ sku, quantity })),
        waybillNo: jobOf.get(s.shipmentId)!.waybillNo,
      });
      for (const type of ['PICKED', 'PACKED', 'SCAN_OUT'] as const) {
        const answer = await wms.scan(s.warehouse, s.shipmentId, type);
        expect(answer.status, `${s.shipmentId} ${type}`).toBe(200);
      }
    }
    await pipeline.drain(60_000);

    // 6. Postgres: every order shipped, with each system's step in its timeline.
    const schema = ctx.namespace;
    const { rows: statuses } = await ctx.pool.query<{ order_key: string; status: string }>(`select order_key, status from ${schema}.orders`);
    expect(statuses).toHaveLength(orders.length);
    for (const r of statuses) expect(r.status, r.order_key).toBe('SHIPPED');
    const { rows: timeline } = await ctx.pool.query<{ order_key: string; steps: string[] }>(
      `select order_key, array_agg(distinct status) steps from ${schema}.order_timeline group by order_key`,
    );
    for (const t of timeline) {
      // Meituan pushes an order only once paid (its "created" push is already PAID, then ALLOCATED).
      const channelSteps = t.order_key.startsWith('meituan:') ? ['PAID', 'ALLOCATED'] : ['CREATED', 'PAID'];
      for (const step of [...channelSteps, 'LOCKED', 'RESERVED', 'ROUTED', 'WAVED', 'WAYBILL_ISSUED', 'PICKED', 'PACKED', 'SHIPPED'])
        expect(t.steps, `${t.order_key} timeline`).toContain(step);
    }
    const {
      rows: [counts],
    } = await ctx.pool.query<{ shipments: number; waybills: number; waves: number }>(
      `select (select count(*)::int from ${schema}.shipments) shipments, (select count(*)::int from ${schema}.waybills) waybills, (select count(*)::int from ${schema}.waves) waves`,
    );
    expect(counts!.shipments).toBe(orders.length);
    expect(counts!.waybills).toBe(orders.length);
    expect(counts!.waves).toBeGreaterThan(0);

    // 7. Stock reconciles: what left is gone from physical, nothing is left locked or reserved,
    //    and physical = available + locked + reserved + safety everywhere.
    const { rows: stock } = await ctx.pool.query<{
      sku: string;
      warehouse: string;
      physical: string;
      locked: string;
      reserved: string;
      safety: string;
      available: string;
    }>(`select sku, warehouse, physical, locked, reserved, safety, available from ${schema}.stock_levels`);
    for (const sku of SKUS) {
      const rows = stock.filter((r) => r.sku === sku);
      expect(
        rows.reduce((n, r) => n + Number(r.physical), 0),
        sku,
      ).toBe(2 * STOCK - units(sku));
    }
    for (const r of stock) {
      expect(Number(r.locked) + Number(r.reserved), `${r.sku}@${r.warehouse}`).toBe(0);
      expect(Number(r.physical), `${r.sku}@${r.warehouse}`).toBe(Number(r.available) + Number(r.locked) + Number(r.reserved) + Number(r.safety));
    }
  }, 180_000);
});
