import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDurableProducer, type Producer } from '../lib/kafka.js';
import { type Running, runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { type InventoryProcessor, inventoryProcessor } from '../processors/inventory/processor.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { routingProcessor } from '../processors/routing/processor.js';
import { loadRoutingRules } from '../processors/routing/rules.js';
import type { Shipment } from '../topics/schemas/shipment.js';
import { createTestContext, type TestContext } from './support/context.js';
import { readTopic } from './support/read-topic.js';
import { orderEventOf, orderKeyOf, type TestOrder } from './support/routing-orders.js';
import { scanTopic } from './support/topic-scan.js';

/**
 * Paid orders become parcels: the inventory processor reserves each line at a warehouse, the router
 * joins those decisions with the orders' contents and writes one Shipment per warehouse, with the
 * carrier the rules choose and its next cut-off, exactly once, and a ROUTED event for each.
 */
describe('fulfilment routing on the real stack', () => {
  /** Wednesday 2026-11-25, 10:00 in Shanghai: the router's clock. */
  const NOW = Date.parse('2026-11-25T10:00:00+08:00');
  const at = (hhmm: string, day = '2026-11-25') => Date.parse(`${day}T${hhmm}:00+08:00`);
  const rules = loadRoutingRules();
  const WAREHOUSES = ['WH-EAST:上海', 'WH-SOUTH:广东'];
  let ctx: TestContext;
  let producer: Producer;
  let inventory: InventoryProcessor;
  let router: Running<object>;
  const startRouter = () => runProcessor(routingProcessor, ctx.runtime(producer), { rules, warehouses: WAREHOUSES, now: () => NOW });

  const ORDERS = {
    basket: {
      channel: 'shopify',
      shopId: 'brand-x.myshopify.com',
      id: '1001',
      lines: [
        ['APP-1', 2],
        ['BTY-1', 1],
      ],
      province: '浙江',
    },
    gadget: { channel: 'douyin', shopId: 'dy-77', id: '2002', lines: [['ELC-1', 1]], province: '广东省' },
    split: {
      channel: 'taobao',
      shopId: 'tb-9',
      id: '3003',
      lines: [
        ['APP-2', 1],
        ['BTY-2', 1],
      ],
      province: 'Shanghai',
    },
    cancelled: { channel: 'pinduoduo', shopId: 'pdd-1', id: '4004', lines: [['APP-1', 1]], province: '江苏' },
    abroad: { channel: 'shopify', shopId: 'brand-x.myshopify.com', id: '5005', lines: [['APP-1', 1]], country: 'JP', province: 'Tokyo' },
    fresh: { channel: 'youzan', shopId: 'yz-3', id: '6006', lines: [['FRS-1', 2]], province: '浙江' },
  } satisfies Record<string, TestOrder>;

  beforeAll(async () => {
    ctx = await createTestContext('routing');
    producer = createDurableProducer(ctx.kafka);
    await producer.connect();
    inventory = await runProcessor(inventoryProcessor, ctx.runtime(producer), { warehouses: WAREHOUSES, split: 'by-line' });
    router = await startRouter();
    const stock: [string, string, number][] = [
      ['APP-1', 'WH-EAST', 10],
      ['BTY-1', 'WH-EAST', 10],
      ['FRS-1', 'WH-EAST', 10],
      ['BTY-2', 'WH-EAST', 5],
      ['ELC-1', 'WH-SOUTH', 10],
      ['APP-2', 'WH-SOUTH', 5],
    ];
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'stockMovements',
      stock.map(([sku, warehouse, quantity]) => ({
        key: sku,
        value: { movementId: `receipt-${sku}-${warehouse}`, kind: 'RECEIPT', sku, warehouse, quantity, orderKey: null, occurredAt: at('08:00') },
      })),
    );
    const store = new RedisInventoryStore(ctx.redis, ctx.namespace);
    const deadline = Date.now() + 30_000;
    for (const [sku, wh, q] of stock) {
      while ((await store.levels(sku, wh)).physical !== q) {
        if (Date.now() > deadline) throw new Error(`stock ${sku}@${wh} never arrived`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  afterAll(async () => {
    await router?.stop();
    await inventory?.stop();
    await producer?.disconnect();
    await ctx?.close();
  });

  const EXPECTED = 6; // basket, gadget, split ×2, abroad, fresh
  let shipments: Shipment[] = [];

  it("routes each paid order once per warehouse, with the rules' carrier and cut-off; nothing for a cancelled one", async () => {
    const events = [
      ...Object.values(ORDERS).map((o) => orderEventOf(o, 'CREATED', at('09:00'))),
      ...[ORDERS.basket, ORDERS.gadget, ORDERS.split, ORDERS.abroad, ORDERS.fresh].map((o) => orderEventOf(o, 'PAID', at('09:05'))),
      orderEventOf(ORDERS.cancelled, 'CANCELLED', at('09:06')),
      // Duplicates, as channels and retries produce them.
      orderEventOf(ORDERS.basket, 'PAID', at('09:05')),
      orderEventOf(ORDERS.gadget, 'CREATED', at('09:00')),
    ];
    await publish(
      producer,
      ctx.serde,
      ctx.namespace,
      'orderEvents',
      events.map((e) => ({ key: e.orderKey, value: e })),
    );

    shipments = (await readTopic(ctx, 'warehouseOrders', EXPECTED, 45_000)).map((r) => r.value);
    const byId = new Map(shipments.map((s) => [s.shipmentId, s]));
    const id = (o: TestOrder, wh: string) => `${orderKeyOf(o)}#${wh}`;
    expect([...byId.keys()].sort()).toEqual(
      [
        id(ORDERS.basket, 'WH-EAST'),
        id(ORDERS.gadget, 'WH-SOUTH'),
        id(ORDERS.split, 'WH-EAST'),
        id(ORDERS.split, 'WH-SOUTH'),
        id(ORDERS.abroad, 'WH-EAST'),
        id(ORDERS.fresh, 'WH-EAST'),
      ].sort(),
    );

    // East, 1 kg: ZTO and YTO cost the same; ZTO's 16:00 cut-off comes first.
    expect(byId.get(id(ORDERS.basket, 'WH-EAST'))).toMatchObject({
      carrier: 'ZTO',
      service: 'standard',
      cutoffAt: at('16:00'),
      weightGrams: 1000,
      flagged: false,
      routedAt: NOW,
      paidAt: at('09:05'),
      lines: [
        { sku: 'APP-1', quantity: 2, category: 'apparel' },
        { sku: 'BTY-1', quantity: 1, category: 'beauty' },
      ],
    });
    expect(byId.get(id(ORDERS.gadget, 'WH-SOUTH'))).toMatchObject({ carrier: 'ZTO', cutoffAt: at('15:30'), channel: 'douyin', flagged: false });
    // Split by line: one parcel per warehouse, each with its own carrier and cut-off.
    expect(byId.get(id(ORDERS.split, 'WH-EAST'))).toMatchObject({
      lines: [{ sku: 'BTY-2', quantity: 1, category: 'beauty' }],
      carrier: 'ZTO',
      cutoffAt: at('16:00'),
    });
    expect(byId.get(id(ORDERS.split, 'WH-SOUTH'))).toMatchObject({
      lines: [{ sku: 'APP-2', quantity: 1, category: 'apparel' }],
      carrier: 'ZTO',
      cutoffAt: at('15:30'),
    });
    expect(byId.get(id(ORDERS.fresh, 'WH-EAST'))).toMatchObject({ carrier: 'SF', service: 'cold-chain', cutoffAt: at('18:00'), flagged: false });
    // No carrier rule serves Japan: the catch-all, flagged, saying why.
    expect(byId.get(id(ORDERS.abroad, 'WH-EAST'))).toMatchObject({
      carrier: 'SF',
      flagged: true,
      reason: expect.stringMatching(/no carrier rule for destination JP/),
    });
    // Keyed by warehouse code.
    const keyed = await readKeys(ctx, EXPECTED);
    for (const [key, s] of keyed) expect(key).toBe(s);

    const routed = (await readTopic(ctx, 'fulfilmentEvents', EXPECTED, 20_000)).map((r) => r.value);
    expect(routed.map((e) => [e.kind, e.source, e.eventId]).sort()).toEqual(shipments.map((s) => ['ROUTED', 'router', `routed:${s.shipmentId}`]).sort());
    expect(routed.find((e) => e.shipmentId === id(ORDERS.abroad, 'WH-EAST'))).toMatchObject({ flagged: true, carrier: 'SF' });

    // Exactly once: give stragglers time, then count what the topics hold.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await countRecords(ctx, 'warehouseOrders')).toBe(EXPECTED);
    expect(await countRecords(ctx, 'fulfilmentEvents')).toBe(EXPECTED);
  });

  it('a full redelivery of its inputs routes nothing twice: the routing inputs re-emit identical records', async () => {
    await router.stop();
    // Forget the router's offsets: every input is delivered again, as after a crash before any commit.
    await ctx.admin.deleteGroups([`${ctx.namespace}.routing`]);
    router = await startRouter();
    const all = (await readTopic(ctx, 'warehouseOrders', 2 * EXPECTED, 45_000)).map((r) => r.value);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await countRecords(ctx, 'warehouseOrders')).toBe(2 * EXPECTED);
    // Each parcel twice, both records identical (same ids, same routing time and cut-off).
    for (const s of shipments) expect(all.filter((r) => r.shipmentId === s.shipmentId)).toEqual([s, s]);
  });
});

async function countRecords(ctx: TestContext, topic: 'warehouseOrders' | 'fulfilmentEvents'): Promise<number> {
  const offsets = await ctx.admin.fetchTopicOffsets(ctx.topic(topic));
  return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
}

/** [message key, shipment warehouse] of the first `count` warehouse-orders records. */
async function readKeys(ctx: TestContext, count: number): Promise<[string, string][]> {
  const out: [string, string][] = [];
  await scanTopic(ctx.kafka, ctx.admin, ctx.topic('warehouseOrders'), async (r) => {
    const s = await ctx.serde.decode('warehouseOrders', r.value!);
    out.push([r.key!.toString(), s.warehouse]);
  });
  expect(out).toHaveLength(count);
  return out;
}
