import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WmsDirectory } from '../connectors/wms/directory.js';
import { wmsScans } from '../connectors/wms/routes.js';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { type InventoryProcessor, inventoryProcessor } from '../processors/inventory/processor.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { startWmsSimulator, type WmsSimulator } from '../simulators/wms/index.js';
import { interceptExecutor } from '../sinks/wms-commands/executor.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import type { WarehouseCommand } from '../topics/schemas/warehouse-command.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';

/**
 * Warehouse scans and interceptions on the real stack: a fastify app with the WMS routes (no
 * gateway), the inventory processor, the intercept executor, and the WMS simulator (the only mock:
 * it stands in for the warehouse's system).
 */
const WH = 'WH-EAST';
const SECRET = randomBytes(16).toString('hex');
const SHOP = 'wms-shop';
const keyOf = (n: number) => `shopify:${SHOP}:${n}`;
const shipmentOf = (n: number) => `${keyOf(n)}#${WH}`;

const paidOrder = (n: number, sku: string, quantity: number): OrderEvent => ({
  eventId: `wms-test:${n}:PAID`,
  orderKey: keyOf(n),
  channel: 'shopify',
  shopId: SHOP,
  brand: 'B',
  channelOrderId: String(n),
  status: 'PAID',
  channelStatus: 'paid/unfulfilled',
  occurredAt: Date.now() - 60_000,
  receivedAt: Date.now(),
  currency: 'CNY',
  totalMinor: 100 * quantity,
  lines: [{ sku, quantity, unitPriceMinor: 100 }],
  buyerCountry: 'CN',
  buyerProvince: null,
  buyerCity: null,
  presale: false,
});

async function until<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('WMS scans and interceptions on the real stack', () => {
  let ctx: TestContext;
  let producer: Producer;
  let app: FastifyInstance;
  let hubUrl = '';
  let sim: WmsSimulator;
  let inventory: InventoryProcessor;
  let executor: Running<object>;
  let scans: Running<object>;
  let store: RedisInventoryStore;

  beforeAll(async () => {
    ctx = await createTestContext('wms');
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    sim = await startWmsSimulator({ warehouses: { [WH]: SECRET }, hubUrl: () => hubUrl });
    const warehouses = new WmsDirectory({ [WH]: { secret: SECRET, endpoint: sim.endpoint(WH) } });
    app = Fastify({ logger: false });
    scans = await runProcessor(wmsScans, ctx.runtime(producer, { http: app }), { warehouses });
    hubUrl = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('[::1]', '127.0.0.1');
    inventory = await runProcessor(inventoryProcessor, ctx.runtime(producer), { warehouses: [WH] });
    executor = await runProcessor(interceptExecutor, ctx.runtime(producer), { warehouses, retry: { attempts: 4, baseMs: 100, maxMs: 800 } });
    store = new RedisInventoryStore(ctx.redis, ctx.namespace);
    await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [
      { key: 'W1', value: { movementId: 'count-w1', kind: 'COUNT', sku: 'W1', warehouse: WH, quantity: 10, occurredAt: Date.now() - 120_000 } },
    ]);
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'orderEvents',
      [1, 2, 3].map((n) => ({ key: keyOf(n), value: paidOrder(n, 'W1', 2) })),
    );
    for (const n of [1, 2, 3])
      await until(
        `order ${n} reserved`,
        () => store.holdState(keyOf(n)),
        (s) => s === 'RESERVED',
      );
  }, 90_000);

  afterAll(async () => {
    await executor?.stop();
    await inventory?.stop();
    await scans?.stop();
    await app?.close();
    await sim?.close();
    await producer?.disconnect();
    await ctx?.close();
  });

  it('signed PICKED, PACKED, SCAN_OUT become fulfilment events; the scan-out ships the reserved stock', async () => {
    expect(await store.levels('W1', WH)).toMatchObject({ physical: 10, reserved: 6 });
    sim.allocate(WH, { shipmentId: shipmentOf(1), orderKey: keyOf(1), lines: [{ sku: 'W1', quantity: 2 }], waybillNo: 'SF0001' });
    for (const type of ['PICKED', 'PACKED', 'SCAN_OUT'] as const) {
      const res = await sim.scan(WH, shipmentOf(1), type);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ ok: true, stored: 1, duplicates: 0 });
    }
    const events = (await readTopic(ctx, 'fulfilmentEvents', 3)).map((r) => r.value);
    expect(events.map((e) => [e.kind, e.eventId, e.source, e.orderKey, e.channel, e.shipmentId])).toEqual([
      ['PICKED', `wms:${WH}:${shipmentOf(1)}:PICKED`, `wms:${WH}`, keyOf(1), 'shopify', shipmentOf(1)],
      ['PACKED', `wms:${WH}:${shipmentOf(1)}:PACKED`, `wms:${WH}`, keyOf(1), 'shopify', shipmentOf(1)],
      ['SHIPPED', `wms:${WH}:${shipmentOf(1)}:SCAN_OUT`, `wms:${WH}`, keyOf(1), 'shopify', shipmentOf(1)],
    ]);
    expect(events[2]!.waybillNo).toBe('SF0001');
    await until(
      'order 1 shipped',
      () => store.holdState(keyOf(1)),
      (s) => s === 'SHIPPED',
    );
    // Physical and reserved both down by the order's 2 units; the other two orders keep their holds.
    expect(await store.levels('W1', WH)).toMatchObject({ physical: 8, reserved: 4, locked: 0 });
  });

  it('duplicate scans change nothing: answered as duplicates, and even when rewritten the ids keep stock as it is', async () => {
    const again = {
      scanId: `${shipmentOf(1)}:SCAN_OUT`,
      type: 'SCAN_OUT' as const,
      shipmentId: shipmentOf(1),
      orderKey: keyOf(1),
      lines: [{ sku: 'W1', quantity: 2 }],
      scannedAt: Date.now(),
    };
    const dup = await sim.push(WH, again);
    expect(dup).toMatchObject({ status: 200, body: { ok: true, stored: 0, duplicates: 1 } });
    // Without the Redis marks (say they expired), the same scan is written again: same movement id.
    for (const k of await ctx.redis.keys(`{${ctx.namespace}}:wms-scans:seen:*`)) await ctx.redis.del(k);
    expect(await sim.push(WH, again)).toMatchObject({ status: 200, body: { stored: 1 } });
    const movements = await readTopic(ctx, 'stockMovements', 3);
    expect(movements.filter((m) => m.value.kind === 'SCAN_OUT').map((m) => m.value.movementId)).toEqual([
      `wms:${WH}:${shipmentOf(1)}:SCAN_OUT`,
      `wms:${WH}:${shipmentOf(1)}:SCAN_OUT`,
    ]);
    const processed = await until(
      'the repeated movement processed',
      async () =>
        (await ctx.admin.fetchOffsets({ groupId: `${ctx.namespace}.inventory`, topics: [ctx.topic('stockMovements')] }))[0]!.partitions.reduce(
          (s, p) => s + Math.max(0, Number(p.offset)),
          0,
        ),
      (n) => n >= 3,
    );
    expect(processed).toBe(3);
    expect(await store.levels('W1', WH)).toMatchObject({ physical: 8, reserved: 4, locked: 0 });
    expect(await store.holdState(keyOf(1))).toBe('SHIPPED');
  });

  it('rejects a bad signature, a stale timestamp, an unknown warehouse and a malformed scan', async () => {
    const scan = {
      scanId: 'x-1',
      type: 'PICKED' as const,
      shipmentId: shipmentOf(2),
      orderKey: keyOf(2),
      lines: [{ sku: 'W1', quantity: 2 }],
      scannedAt: Date.now(),
    };
    expect(await sim.push(WH, scan, { secret: 'not-the-warehouse-secret' })).toMatchObject({
      status: 401,
      body: { ok: false, error: 'signature does not match' },
    });
    expect(await sim.push(WH, scan, { timestamp: Date.now() - 10 * 60_000 })).toMatchObject({
      status: 401,
      body: { error: expect.stringContaining('replay') },
    });
    const unknown = await fetch(`${hubUrl}/wms/WH-NOWHERE/scans`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
    expect(await sim.push(WH, { ...scan, lines: [] })).toMatchObject({ status: 400, body: { error: expect.stringContaining('lines') } });
  });

  it('intercept executor: a transient 5xx is retried, a parcel not yet out is intercepted, one already out fails with the reason; redelivery calls nobody', async () => {
    const command = (n: number): WarehouseCommand => ({
      commandId: `div-${n}:INTERCEPT`,
      kind: 'INTERCEPT',
      orderKey: keyOf(n),
      channel: 'shopify',
      warehouse: WH,
      shipmentId: shipmentOf(n),
      waybillNo: null,
      divergenceId: `div-${n}`,
      reason: 'cancelled on the channel',
      issuedAt: Date.now(),
    });
    sim.allocate(WH, { shipmentId: shipmentOf(2), orderKey: keyOf(2), lines: [{ sku: 'W1', quantity: 2 }] });
    // The simulator's control routes drive it over HTTP too.
    const allocated = await fetch(`${sim.url}/wms/${WH}/shipments`, {
      method: 'POST',
      body: JSON.stringify({ shipmentId: shipmentOf(3), orderKey: keyOf(3), lines: [{ sku: 'W1', quantity: 2 }] }),
    });
    expect(allocated.status).toBe(200);
    const picked = await fetch(`${sim.url}/wms/${WH}/shipments/${encodeURIComponent(shipmentOf(2))}/scans`, {
      method: 'POST',
      body: JSON.stringify({ type: 'PICKED' }),
    });
    expect(await picked.json()).toMatchObject({ hubStatus: 200, scanId: `${shipmentOf(2)}:PICKED` });

    // Order 3: the WMS is down for two calls, then intercepts.
    sim.failNextIntercepts(2, 503);
    await publish(producer, ctx.serde, ctx.namespace, 'warehouseCommands', [{ key: WH, value: command(3) }]);
    const first = (await readTopic(ctx, 'commandOutcomes', 3, 30_000)).map((r) => r.value).sort((a, b) => a.attempt - b.attempt);
    expect(first.map((o) => [o.outcomeId, o.state, o.attempt])).toEqual([
      ['div-3:INTERCEPT#1', 'RETRYING', 1],
      ['div-3:INTERCEPT#2', 'RETRYING', 2],
      ['div-3:INTERCEPT#3', 'SUCCEEDED', 3],
    ]);
    expect(first[0]!.reason).toContain('503');
    expect(first.every((o) => o.target === `warehouse:${WH}` && o.commandKind === 'INTERCEPT' && o.divergenceId === 'div-3')).toBe(true);
    expect(sim.state(WH, shipmentOf(3))).toBe('intercepted');

    // Order 2 (picked): intercepted; order 1 (scanned out): refused.
    await publish(producer, ctx.serde, ctx.namespace, 'warehouseCommands', [
      { key: WH, value: command(2) },
      { key: WH, value: command(1) },
    ]);
    const all = (await readTopic(ctx, 'commandOutcomes', 5, 30_000)).map((r) => r.value);
    const final = new Map(all.filter((o) => o.state !== 'RETRYING').map((o) => [o.commandId, o]));
    expect(final.get('div-2:INTERCEPT')).toMatchObject({ state: 'SUCCEEDED', attempt: 1, reason: null });
    expect(final.get('div-1:INTERCEPT')).toMatchObject({ state: 'FAILED', attempt: 1, reason: 'already scanned out' });
    expect(sim.state(WH, shipmentOf(2))).toBe('intercepted');
    expect(sim.state(WH, shipmentOf(1))).toBe('shipped');
    const fulfilment = (await readTopic(ctx, 'fulfilmentEvents', 8, 30_000)).map((r) => r.value).filter((e) => e.kind.startsWith('INTERCEPT'));
    expect(fulfilment.map((e) => [e.eventId, e.kind, e.reason]).sort()).toEqual([
      ['div-1:INTERCEPT:INTERCEPT_FAILED', 'INTERCEPT_FAILED', 'already scanned out'],
      ['div-2:INTERCEPT:INTERCEPTED', 'INTERCEPTED', 'cancelled on the channel'],
      ['div-3:INTERCEPT:INTERCEPTED', 'INTERCEPTED', 'cancelled on the channel'],
    ]);

    // The same command again (a redelivery): no call to the WMS, the same outcome re-emitted.
    const calls = sim.interceptCalls();
    await publish(producer, ctx.serde, ctx.namespace, 'warehouseCommands', [{ key: WH, value: command(2) }]);
    const after = (await readTopic(ctx, 'commandOutcomes', 6, 30_000)).map((r) => r.value);
    expect(after.filter((o) => o.outcomeId === 'div-2:INTERCEPT#1')).toEqual([final.get('div-2:INTERCEPT'), final.get('div-2:INTERCEPT')]);
    expect(new Set(after.map((o) => o.outcomeId)).size).toBe(5);
    expect(sim.interceptCalls()).toBe(calls);
  }, 90_000);
});
