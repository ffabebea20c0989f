/**
 * Payment → waybill benchmark: how long from a PAID order event to its label in the print queue,
 * on the real stack, through the whole chain.
 *
 *   npx tsx bench/payment-to-waybill.ts [--orders 2000] [--rate 200] [--timeout 120] [--keep]
 *     [--carrier-latency 0] [--waybill-concurrency 32]
 *
 * In a fresh namespace (bench_wb_<random>): stock counted at three warehouses, then the inventory
 * processor, the routing processor (default rules) and the waybill service (the four carrier
 * simulators) are started in this process; PAID order events are published at --rate per second.
 * Latency per order = broker append time (LogAppendTime) of its PAID event → broker append time
 * of its last print job (an order split over warehouses is ready when every label is). Both are
 * read back with a consumer. Prints plain numbers; exits 1 if any order got no print job.
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Registry } from 'prom-client';
import { loadConfig } from '../app/config.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createDurableProducer, createKafka, createLoadProducer } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { runProcessor } from '../lib/processor/run.js';
import type { Runtime } from '../lib/processor/runtime.js';
import { publish } from '../lib/publish.js';
import { resetNamespace } from '../lib/reset.js';
import { ensureTopics, useLogAppendTime } from '../lib/topic-admin.js';
import { inventoryProcessor } from '../processors/inventory/processor.js';
import { routingProcessor } from '../processors/routing/processor.js';
import { loadRoutingRules } from '../processors/routing/rules.js';
import { startCarrierSimulators } from '../simulators/carriers/index.js';
import { WAYBILL_CONCURRENCY, waybillService } from '../sinks/waybills/processor.js';
import { topicName } from '../topics/catalog.js';
import type { OrderEvent } from '../topics/schemas/order-event.js';
import type { PrintJob } from '../topics/schemas/print-job.js';
import { TopicSerde } from '../topics/serde.js';
import { int } from './options.js';

const opts = new Command('payment-to-waybill')
  .option('--orders <n>', 'PAID orders to publish', int(1), 2000)
  .option('--rate <n>', 'orders per second', int(1), 200)
  .option('--timeout <s>', 'seconds to wait for the last print job after the last order', int(1), 120)
  .option('--keep', 'keep the namespace afterwards', false)
  // Real carriers answer in 100–300 ms; the simulators in ~1 ms unless told otherwise.
  .option('--carrier-latency <ms>', 'added latency of every carrier simulator answer', int(0), 0)
  .option('--waybill-concurrency <n>', 'carrier calls in flight in the waybill service', int(1), WAYBILL_CONCURRENCY)
  .parse()
  .opts<{ orders: number; rate: number; timeout: number; keep: boolean; carrierLatency: number; waybillConcurrency: number }>();

const say = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${s}\n`);
const out = (s: string) => process.stdout.write(`${s}\n`);

const WAREHOUSES = ['WH-EAST:浙江', 'WH-SOUTH:广东', 'WH-NORTH:北京'];
const PROVINCES = ['浙江', '上海', '江苏', '广东', '福建', '北京', '山东', '湖北', '四川', '河南'];
const SKUS = ['APP-TEE-1', 'APP-JEANS-2', 'BTY-SERUM-3', 'ELC-EARBUDS-4', 'APP-SOCKS-5'];

function paidOrder(i: number, at: number): OrderEvent {
  const sku = SKUS[i % SKUS.length]!;
  const lines = [{ sku, quantity: 1 + (i % 2), unitPriceMinor: 9_900 }];
  if (i % 7 === 0) lines.push({ sku: SKUS[(i + 2) % SKUS.length]!, quantity: 1, unitPriceMinor: 4_900 });
  const orderKey = `taobao:bench-shop:WB${i}`;
  return {
    eventId: `wb:${orderKey}:PAID`,
    orderKey,
    channel: 'taobao',
    shopId: 'bench-shop',
    brand: 'Bench Brand',
    channelOrderId: `WB${i}`,
    status: 'PAID',
    channelStatus: 'WAIT_SELLER_SEND_GOODS',
    occurredAt: at,
    receivedAt: at,
    currency: 'CNY',
    totalMinor: lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0),
    lines,
    buyerCountry: 'CN',
    buyerProvince: PROVINCES[i % PROVINCES.length]!,
    buyerCity: null,
    presale: false,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<number> {
  const ns = `bench_wb_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, OMNISTREAM_NAMESPACE: ns, OMNISTREAM_PG_SCHEMA: ns, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const log = createLogger('bench-waybill', config.LOG_LEVEL);
  const kafka = createKafka(config.KAFKA_BROKERS, 'bench-waybill', log);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(config.REDIS_URL);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 2 });
  const stops: (() => Promise<void>)[] = [];
  try {
    say(`namespace ${ns}: creating topics, registering schemas`);
    await ensureTopics(admin, ns);
    await useLogAppendTime(admin, ns, ['orderEvents', 'printQueue']);
    const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
    await serde.registerAll();
    const producer = createDurableProducer(kafka);
    await producer.connect();
    stops.push(() => producer.disconnect());

    const stock = opts.orders * 3;
    say(`stock: ${SKUS.length} SKUs × ${stock} at ${WAREHOUSES.map((w) => w.split(':')[0]).join(', ')}`);
    await publish(
      producer,
      serde,
      ns,
      'stockMovements',
      WAREHOUSES.flatMap((w) =>
        SKUS.map((sku) => {
          const warehouse = w.split(':')[0]!;
          return {
            key: sku,
            value: { movementId: `wb-count-${sku}@${warehouse}`, kind: 'COUNT' as const, sku, warehouse, quantity: stock, occurredAt: Date.now() - 60_000 },
          };
        }),
      ),
    );

    const sims = await startCarrierSimulators(3000);
    stops.push(() => sims.stop());
    for (const sim of Object.values(sims.byCarrier)) sim.faults.latencyMs = opts.carrierLatency;
    const runtime = (): Runtime => ({ kafka, serde, redis, producer, namespace: ns, log, metrics: new Registry(), channels: Object.keys(CONNECTORS) });
    say('starting inventory, routing and waybill service');
    const inventory = await runProcessor(inventoryProcessor, runtime(), { warehouses: WAREHOUSES });
    stops.push(() => inventory.stop());
    const routing = await runProcessor(routingProcessor, runtime(), { rules: loadRoutingRules(), warehouses: WAREHOUSES });
    stops.push(() => routing.stop());
    const waybills = await runProcessor(waybillService, runtime(), { carriers: sims.directory, concurrency: opts.waybillConcurrency });
    stops.push(() => waybills.stop());

    // The reader: PAID append times and print-job append times per order.
    const paidAt = new Map<string, number>();
    const printedAt = new Map<string, number>();
    const carriers = new Map<string, number>();
    // Stage marks (producer CreateTime on these topics: same host, so comparable): where the time goes.
    const reservedAt = new Map<string, number>();
    const routedAt = new Map<string, number>();
    let jobs = 0;
    const reader = kafka.consumer({ groupId: `${ns}.bench-reader`, maxWaitTimeInMs: 50 });
    await reader.connect();
    stops.push(() => reader.disconnect());
    await reader.subscribe({
      topics: [topicName(ns, 'orderEvents'), topicName(ns, 'inventoryEvents'), topicName(ns, 'warehouseOrders'), topicName(ns, 'printQueue')],
      fromBeginning: true,
    });
    await reader.run({
      eachMessage: async ({ topic, message }) => {
        const at = Number(message.timestamp);
        const key = message.key?.toString() ?? '';
        if (topic === topicName(ns, 'orderEvents')) {
          paidAt.set(key, at);
          return;
        }
        if (topic === topicName(ns, 'inventoryEvents')) {
          const e = await serde.decode('inventoryEvents', message.value!);
          if (e.orderKey && e.kind === 'RESERVED') reservedAt.set(e.orderKey, Math.max(reservedAt.get(e.orderKey) ?? 0, at));
          return;
        }
        if (topic === topicName(ns, 'warehouseOrders')) {
          const sh = await serde.decode('warehouseOrders', message.value!);
          routedAt.set(sh.orderKey, Math.max(routedAt.get(sh.orderKey) ?? 0, at));
          return;
        }
        const job = (await serde.decode('printQueue', message.value!)) as PrintJob;
        jobs += 1;
        carriers.set(job.carrier, (carriers.get(job.carrier) ?? 0) + 1);
        printedAt.set(job.orderKey, Math.max(printedAt.get(job.orderKey) ?? 0, at));
      },
    });

    const sender = createLoadProducer(kafka);
    await sender.connect();
    stops.push(() => sender.disconnect());
    say(`publishing ${opts.orders} PAID orders at ${opts.rate}/s`);
    const started = Date.now();
    const ordersTopic = topicName(ns, 'orderEvents');
    for (let sent = 0; sent < opts.orders; ) {
      const due = Math.min(opts.orders, Math.floor(((Date.now() - started) / 1000) * opts.rate) + 1);
      if (due > sent) {
        const events = Array.from({ length: due - sent }, (_, j) => paidOrder(sent + j, Date.now()));
        await sender.send({
          topic: ordersTopic,
          acks: -1,
          messages: await Promise.all(events.map(async (e) => ({ key: e.orderKey, value: await serde.encode('orderEvents', e) }))),
        });
        sent = due;
      } else {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    const publishedIn = Date.now() - started;

    const deadline = Date.now() + opts.timeout * 1000;
    let lastReport = 0;
    while (printedAt.size < opts.orders && Date.now() < deadline) {
      if (Date.now() - lastReport > 5000) {
        say(`${printedAt.size}/${opts.orders} orders printed`);
        lastReport = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const finished = Date.now();

    const latencies: number[] = [];
    const missing: string[] = [];
    for (let i = 0; i < opts.orders; i++) {
      const key = `taobao:bench-shop:WB${i}`;
      const p = paidAt.get(key);
      const q = printedAt.get(key);
      if (p === undefined || q === undefined) missing.push(key);
      else latencies.push(q - p);
    }
    latencies.sort((a, b) => a - b);
    const lastPrint = Math.max(...printedAt.values(), started);
    out(`orders ${opts.orders}`);
    out(`rate_target_per_s ${opts.rate}`);
    out(`carrier_latency_ms ${opts.carrierLatency}`);
    out(`waybill_concurrency ${opts.waybillConcurrency}`);
    out(`published_in_ms ${publishedIn}`);
    out(`printed_orders ${printedAt.size}`);
    out(`print_jobs ${jobs}`);
    out(`missing ${missing.length}`);
    out(`p50_ms ${percentile(latencies, 50)}`);
    out(`p95_ms ${percentile(latencies, 95)}`);
    out(`p99_ms ${percentile(latencies, 99)}`);
    out(`max_ms ${latencies.at(-1) ?? NaN}`);
    out(`throughput_orders_per_s ${(printedAt.size / (Math.max(1, lastPrint - started) / 1000)).toFixed(1)}`);
    const stage = (from: Map<string, number>, to: Map<string, number>) => {
      const d = [...to].flatMap(([k, t]) => (from.has(k) ? [t - from.get(k)!] : [])).sort((a, b) => a - b);
      return `p50 ${percentile(d, 50)} p99 ${percentile(d, 99)}`;
    };
    out(`stage_paid_to_reserved_ms ${stage(paidAt, reservedAt)}`);
    out(`stage_reserved_to_routed_ms ${stage(reservedAt, routedAt)}`);
    out(`stage_routed_to_printed_ms ${stage(routedAt, printedAt)}`);
    out(`carriers ${[...carriers].map(([c, n]) => `${c}=${n}`).join(' ')}`);
    if (missing.length > 0)
      say(`no print job for ${missing.length} orders after ${Math.round((finished - started) / 1000)} s, e.g. ${missing.slice(0, 3).join(', ')}`);
    return missing.length > 0 ? 1 : 0;
  } finally {
    for (const stop of stops.reverse()) await stop().catch((err: Error) => say(`stop: ${err.message}`));
    if (!opts.keep) await resetNamespace(admin, redis, pool, ns, ns).catch((err: Error) => say(`cleanup: ${err.message}`));
    await admin.disconnect();
    redis.disconnect();
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    say(`failed: ${err.stack ?? err.message}`);
    process.exit(2);
  },
);
