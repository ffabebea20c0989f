import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { auditOrder, benchOrder, HOT_SKU, orderEvent, orderIndexOf } from '../bench/orders.js';
import { createDurableProducer, createKafka, type Producer } from '../lib/kafka.js';
import { waitUntilCaughtUp } from '../lib/lag.js';
import { runProcessor } from '../lib/processor/run.js';
import { publish } from '../lib/publish.js';
import { type InventoryProcessor, inventoryProcessor } from '../processors/inventory/processor.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import type { InventoryEvent } from '../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';
import type { StockMovement } from '../topics/schemas/stock-movement.js';
import { createTestContext, type TestContext } from './support/context.js';
import { type AuditReport, InventoryAudit } from './support/inventory-audit.js';
import {
  assignedMembers,
  childEnv,
  committedCount,
  groupAssignments,
  ProcessorChild,
  waitFor,
  waitForGroupStable,
  waitForTakeover,
} from './support/processor-child.js';
import { fnv1a, scanTopic, WireDecoder } from './support/topic-scan.js';

/**
 * The inventory processor under the faults Kafka really delivers: the same records twice, a
 * consumer group rebalancing mid-stream, and a process SIGKILLed between its Redis call, its
 * output and its offset commit. Afterwards stock must be exactly what the orders and movements
 * allow, and every order must have exactly one outcome.
 */
/** Order times are 'now': an unpaid-lock timeout must not have passed before the processor sees them. */
const T0 = Date.now();

async function withContext(label: string, fn: (ctx: TestContext) => Promise<void>): Promise<void> {
  const ctx = await createTestContext(label);
  try {
    await fn(ctx);
  } finally {
    await ctx.close();
  }
}

type Processor = InventoryProcessor;

const groupOf = (ctx: TestContext) => `${ctx.namespace}.${inventoryProcessor.name}`;
const drain = (ctx: TestContext, timeoutMs = 30_000) =>
  waitUntilCaughtUp(ctx.admin, [{ groupId: groupOf(ctx), topics: [ctx.topic('orderEvents'), ctx.topic('stockMovements')] }], timeoutMs);

/** Every inventory-events record, decoded, with a hash of its bytes. */
async function outputs(ctx: TestContext, timeoutMs = 30_000): Promise<{ value: InventoryEvent; hash: number; timestamp: number }[]> {
  const decoder = new WireDecoder(ctx.serde);
  const out: { value: InventoryEvent; hash: number; timestamp: number }[] = [];
  await scanTopic(
    ctx.kafka,
    ctx.admin,
    ctx.topic('inventoryEvents'),
    async (r) => {
      out.push({ value: await decoder.decodeAsync<InventoryEvent>(r.value!), hash: fnv1a(r.value!), timestamp: r.timestamp });
    },
    timeoutMs,
  );
  return out;
}

async function auditStream(ctx: TestContext, orders: number, timeoutMs?: number): Promise<AuditReport> {
  const audit = new InventoryAudit(orders, orderIndexOf, (i) => auditOrder(i, 0));
  for (const r of await outputs(ctx, timeoutMs)) audit.add(r.value, r.timestamp, r.hash);
  return audit.report();
}

const count = (sku: string, quantity: number, warehouse: string, id = `count-${sku}`): StockMovement => ({
  movementId: id,
  kind: 'COUNT',
  sku,
  warehouse,
  quantity,
  occurredAt: T0 - 60_000,
});

/** Writes the flash-sale stream's orders [from, to) in chunks, pausing between them; reports progress. */
async function streamOrders(
  ctx: TestContext,
  producer: Producer,
  from: number,
  to: number,
  chunk: number,
  pauseMs: number,
  onChunk: (produced: number) => void = () => {},
): Promise<void> {
  for (let start = from; start < to; start += chunk) {
    const end = Math.min(to, start + chunk);
    const records = [];
    for (let i = start; i < end; i++) {
      const o = benchOrder(i, 0);
      records.push({ key: o.orderKey, value: orderEvent(o, i, T0) });
    }
    await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', records);
    onChunk(end);
    if (end < to) await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** Orders the Lua script has applied (hold keys in Redis), whatever Kafka has committed. */
async function holdsInRedis(ctx: TestContext): Promise<number> {
  let cursor = '0',
    n = 0;
  do {
    const [next, keys] = await ctx.redis.scan(cursor, 'MATCH', `{${ctx.namespace}}:inv:h:*`, 'COUNT', 5000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

/** The invariants after a faulty run over the hot-SKU stream: exact stock held, one outcome each. */
async function expectExactlyOneOutcomeAndNoOversell(ctx: TestContext, orders: number, stock: number, timeoutMs?: number): Promise<AuditReport> {
  const warehouse = ctx.config.OMNISTREAM_WAREHOUSES[0]!;
  const levels = await new RedisInventoryStore(ctx.redis, ctx.namespace).levels(HOT_SKU, warehouse);
  let demand = 0;
  for (let i = 0; i < orders; i++) demand += benchOrder(i, 0).hotQty;
  expect(demand).toBeGreaterThan(stock + 10); // the sale really runs out
  expect(levels.physical).toBe(stock);
  expect(levels.locked).toBeGreaterThanOrEqual(0);
  expect(levels.reserved).toBeGreaterThanOrEqual(0);
  expect(levels.locked + levels.reserved).toBe(stock);
  const report = await auditStream(ctx, orders, timeoutMs);
  expect({
    noOutcome: report.noOutcome,
    conflicting: report.conflicting,
    incomplete: report.incomplete,
    decided: report.accepted + report.rejected,
    emptyReasons: report.emptyReasons,
    unknownOrders: report.unknownOrders,
    negativeLevels: report.negativeLevels,
    duplicatesDiffering: report.duplicatesDiffering,
    heldHot: report.heldBySku.get(HOT_SKU),
    releasedOrders: report.releasedOrders,
  }).toEqual({
    noOutcome: 0,
    conflicting: 0,
    incomplete: 0,
    decided: orders,
    emptyReasons: 0,
    unknownOrders: 0,
    negativeLevels: 0,
    duplicatesDiffering: 0,
    heldHot: stock,
    releasedOrders: 0,
  });
  expect(report.accepted).toBeGreaterThan(0);
  expect(report.rejected).toBeGreaterThan(0);
  return report;
}

describe('inventory processor under redelivery, rebalance and crashes', () => {
  it('redelivered orders and movements change stock once and re-emit their original decisions with the same event ids', async () => {
    await withContext('redeliver', async (ctx) => {
      const wh = ctx.config.OMNISTREAM_WAREHOUSES[0]!;
      const producer = createDurableProducer(ctx.kafka);
      await producer.connect();
      const consumer = await runProcessor(inventoryProcessor, ctx.runtime(producer), { warehouses: ctx.config.OMNISTREAM_WAREHOUSES });
      try {
        const store = new RedisInventoryStore(ctx.redis, ctx.namespace);
        const order = (id: string, status: OrderStatus, lines: [string, number][]): { key: string; value: OrderEvent } => {
          const orderKey = `shopify:redeliver.myshopify.com:${id}`;
          return {
            key: orderKey,
            value: {
              eventId: `ev-${id}-${status}`,
              orderKey,
              channel: 'shopify',
              shopId: 'redeliver.myshopify.com',
              brand: 'B',
              channelOrderId: id,
              status,
              channelStatus: status.toLowerCase(),
              occurredAt: T0,
              receivedAt: T0 + 1,
              currency: 'CNY',
              totalMinor: 100,
              lines: lines.map(([sku, quantity]) => ({ sku, quantity, unitPriceMinor: 100 })),
              buyerCountry: 'CN',
              buyerProvince: null,
              buyerCity: null,
              presale: false,
            },
          };
        };
        const receipt = { key: 'HOT', value: { movementId: 'rcpt-1', kind: 'RECEIPT' as const, sku: 'HOT', warehouse: wh, quantity: 10, occurredAt: T0 } };
        const first = [order('o1', 'CREATED', [['HOT', 3]]), order('o2', 'PAID', [['HOT', 4]])];
        const second = [
          order('o3', 'CREATED', [['HOT', 5]]),
          order('o4', 'CREATED', [
            ['HOT', 1],
            ['COLD', 1],
          ]),
        ];

        // First delivery, in steps so the outcome does not depend on partition interleaving.
        await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [receipt]);
        await drain(ctx);
        await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', first);
        await drain(ctx);
        await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', second);
        await drain(ctx);
        const once = await outputs(ctx);
        // Order decisions and the receipt exactly; other kinds (e.g. low-stock alerts) may come along.
        const DECISIONS = ['LOCKED', 'RESERVED', 'REJECTED', 'RECEIVED'];
        const label = (e: InventoryEvent) => (e.orderKey ? `${e.orderKey.split(':')[2]}:${e.kind}:${e.sku}` : e.eventId);
        expect(
          once
            .filter((r) => DECISIONS.includes(r.value.kind))
            .map((r) => label(r.value))
            .sort(),
        ).toEqual(['o1:LOCKED:HOT', 'o2:LOCKED:HOT', 'o2:RESERVED:HOT', 'o3:REJECTED:HOT', 'o4:REJECTED:COLD', 'o4:REJECTED:HOT', `rcpt-1:RECEIVED:HOT@${wh}`]);
        const o3Reject = once.find((r) => r.value.orderKey?.endsWith(':o3') && r.value.kind === 'REJECTED')!.value;
        expect(o3Reject.reason).toBe(`insufficient stock at ${wh}: HOT wants 5, 3 available`);
        expect(await store.levels('HOT', wh)).toMatchObject({ physical: 10, locked: 3, reserved: 4 });

        // Stock moves on, then everything is delivered again.
        await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [{ key: 'HOT', value: { ...receipt.value, movementId: 'rcpt-2', quantity: 5 } }]);
        await drain(ctx);
        await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [receipt]);
        await publish(producer, ctx.serde, ctx.namespace, 'orderEvents', [...first, ...second]);
        await drain(ctx);

        expect(await store.levels('HOT', wh)).toMatchObject({ physical: 15, locked: 3, reserved: 4 }); // rcpt-1 counted once
        expect(await store.levels('COLD', wh)).toMatchObject({ physical: 0, locked: 0, reserved: 0 });
        expect(await store.holdState('shopify:redeliver.myshopify.com:o3')).toBe('REJECTED'); // not re-decided with 8 now available
        const all = await outputs(ctx);
        const byId = new Map<string, { value: InventoryEvent; hash: number }[]>();
        for (const r of all) byId.set(r.value.eventId, [...(byId.get(r.value.eventId) ?? []), r]);
        for (const r of once) {
          const copies = byId.get(r.value.eventId)!;
          expect(copies).toHaveLength(2); // the original and exactly one re-emission
          expect(copies[1]!.hash).toBe(copies[0]!.hash); // byte-identical
          expect(copies[1]!.value).toEqual(r.value);
        }
        const fresh = all.filter((r) => !once.some((o) => o.value.eventId === r.value.eventId));
        expect(fresh.map((r) => r.value.eventId)).toContain(`rcpt-2:RECEIVED:HOT@${wh}`);
        expect(fresh.filter((r) => !r.value.eventId.startsWith('rcpt-2:'))).toEqual([]); // nothing new but rcpt-2's own events
        expect(all).toHaveLength(once.length * 2 + fresh.length);
      } finally {
        await consumer.stop();
        await producer.disconnect();
      }
    });
  });

  it('a rebalance mid-stream (one of two instances stops) leaves exactly the stock held and one outcome per order', async () => {
    await withContext('rebalance', async (ctx) => {
      const ORDERS = 3000,
        STOCK = 500;
      const wh = ctx.config.OMNISTREAM_WAREHOUSES[0]!;
      const seed = createDurableProducer(ctx.kafka);
      await seed.connect();
      await publish(seed, ctx.serde, ctx.namespace, 'stockMovements', [{ key: HOT_SKU, value: count(HOT_SKU, STOCK, wh) }]);

      interface Instance {
        consumer: Processor;
        producer: Producer;
        redis: Redis;
        outputs: number;
      }
      const start = async (name: string): Promise<Instance> => {
        const kafka = createKafka(ctx.config.KAFKA_BROKERS, `inventory-${name}`, ctx.log);
        const producer = createDurableProducer(kafka);
        await producer.connect();
        const redis = new Redis(ctx.config.REDIS_URL);
        const inst: Instance = { producer, redis, outputs: 0, consumer: undefined as unknown as Processor };
        const send = producer.send.bind(producer);
        producer.send = async (record) => {
          const res = await send(record);
          inst.outputs += record.messages.length; // inventory events this instance wrote
          return res;
        };
        inst.consumer = await runProcessor(
          inventoryProcessor,
          { ...ctx.runtime(producer), kafka, redis, log: ctx.log.child({ instance: name }) },
          { warehouses: ctx.config.OMNISTREAM_WAREHOUSES },
        );
        return inst;
      };
      const orderPartitions = async () => {
        const m = await groupAssignments(ctx.admin, groupOf(ctx));
        return Object.fromEntries([...m].map(([client, a]) => [client, a[ctx.topic('orderEvents')] ?? []]));
      };
      const a = await start('a');
      await waitForGroupStable(ctx.admin, groupOf(ctx), 1);
      const b = await start('b');
      await waitForGroupStable(ctx.admin, groupOf(ctx), 2);
      await drain(ctx); // the stock count is in before orders arrive
      const split = await orderPartitions();
      expect(split['inventory-a']?.length).toBeGreaterThan(0);
      expect(split['inventory-b']?.length).toBeGreaterThan(0);
      expect([...split['inventory-a']!, ...split['inventory-b']!].sort()).toEqual([0, 1, 2, 3, 4, 5]);

      let produced = 0;
      const stream = streamOrders(ctx, seed, 0, ORDERS, 200, 100, (n) => {
        produced = n;
      });
      try {
        // Stop b once it has done real work, while orders are still coming.
        const deadline = Date.now() + 20_000;
        while (!(b.outputs > 0 && produced >= 1000) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        const producedAtStop = produced;
        const bOutputs = b.outputs;
        const aBefore = a.outputs;
        await b.consumer.stop();
        await stream;
        await drain(ctx, 40_000);

        expect(bOutputs).toBeGreaterThan(0);
        expect(producedAtStop).toBeLessThan(ORDERS); // stopped mid-stream
        expect(await orderPartitions()).toEqual({ 'inventory-a': [0, 1, 2, 3, 4, 5] }); // a took over b's partitions
        expect(a.outputs).toBeGreaterThan(aBefore);
        await expectExactlyOneOutcomeAndNoOversell(ctx, ORDERS, STOCK);
      } finally {
        await stream.catch(() => {});
        await a.consumer.stop();
        await b.consumer.stop().catch(() => {});
        for (const i of [a, b]) {
          await i.producer.disconnect();
          i.redis.disconnect();
        }
        await seed.disconnect();
      }
    });
  });

  // The work: two processor processes start cold (tsx and the whole hub's modules, then topics,
  // schemas and the group join: 5-25 s each, by the load on this shared 2-core machine), the
  // killed one's session runs out (10 s), 3,000 orders are decided and the outputs audited:
  // measured 23 s idle, 70 s at a load average of 13. Every wait takes what is left of one
  // bound, less what the cleanup may need (a graceful stop waits up to 15 s), so a slow step
  // fails naming itself instead of the test timing out.
  const CRASH_TEST_MS = 180_000;
  const CLEANUP_MS = 25_000;
  it(
    'a processor process SIGKILLed mid-stream and restarted leaves exactly the stock held and one outcome per order',
    async () => {
      const deadline = Date.now() + CRASH_TEST_MS - CLEANUP_MS;
      const left = () => Math.max(1, deadline - Date.now());
      await withContext('crash', async (ctx) => {
        const ORDERS = 3000,
          STOCK = 400;
        const wh = ctx.config.OMNISTREAM_WAREHOUSES[0]!;
        const group = groupOf(ctx);
        const producer = createDurableProducer(ctx.kafka);
        await producer.connect();
        await publish(producer, ctx.serde, ctx.namespace, 'stockMovements', [{ key: HOT_SKU, value: count(HOT_SKU, STOCK, wh) }]);
        const env = childEnv(ctx.config);
        let child = new ProcessorChild(env, 'inventory-1');
        let stream: Promise<void> | undefined;
        try {
          await child.guard(waitForGroupStable(ctx.admin, group, 1, left()));
          // A backlog in one burst, so the kill lands while batches are being decided and committed.
          const BACKLOG = 2400;
          await streamOrders(ctx, producer, 0, BACKLOG, BACKLOG, 0);
          await child.guard(
            waitFor(
              'the first processor to commit 100 orders',
              async () => (await committedCount(ctx.admin, group, ctx.topic('orderEvents'))) >= 100,
              left(),
              10,
            ),
          );
          const killed = await assignedMembers(ctx.admin, group);
          const exit = await child.kill();
          const committed = await committedCount(ctx.admin, group, ctx.topic('orderEvents')); // final: the process is gone
          const applied = await holdsInRedis(ctx);
          expect(exit.signal).toBe('SIGKILL');
          expect(killed).toHaveLength(1);
          expect(committed).toBeGreaterThanOrEqual(100);
          expect(committed).toBeLessThan(BACKLOG); // killed with work outstanding
          expect(applied).toBeGreaterThanOrEqual(committed); // effects first, commit after

          // The rest of the sale arrives while the processor restarts.
          child = new ProcessorChild(env, 'inventory-2');
          stream = streamOrders(ctx, producer, BACKLOG, ORDERS, 200, 50);
          await stream;
          // The killed member holds its partitions until its session times out: only then does the
          // restarted process get them.
          await child.guard(waitForTakeover(ctx.admin, group, killed, left()));
          await child.guard(drain(ctx, left()));
          const report = await expectExactlyOneOutcomeAndNoOversell(ctx, ORDERS, STOCK, left());
          console.info(
            `crash-restart: SIGKILL with ${committed} of ${BACKLOG} orders committed and ${applied} applied in Redis; ${report.duplicateRecords} re-emitted duplicate outputs`,
          );
        } finally {
          await stream?.catch(() => {});
          await child.stop();
          await producer.disconnect();
        }
      });
    },
    CRASH_TEST_MS,
  );
});
