/**
 * Channel → hub sync lag: how long from the moment a channel pushes an order change to the moment
 * the hub has acted on it (the stock decision is durable on inventory-events). The target is a sync
 * delay under 8 seconds.
 *
 *   npx tsx bench/sync-lag.ts [--orders 5000] [--rate 300] [--concurrency 32]
 *
 * In a fresh namespace: the gateway, inventory, Postgres sink and divergence processor; Shopify
 * shops (simulated pushes, signed), each order created then paid, sent at a steady rate. Per push:
 * the client's clock just before the POST → the broker time of the hub's decision for it (LOCKED
 * for "created", RESERVED for "paid"); both clocks are this machine's. Also prints what the
 * divergence processor's own metric (omnistream_channel_sync_lag_seconds) counted, and checks that
 * no divergence opened.
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { loadConfig } from '../app/config.js';
import { startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { publish } from '../lib/publish.js';
import { resetNamespace } from '../lib/reset.js';
import { divergenceReport } from '../processors/divergence/report.js';
import { makeShopifyOrder, shopifyPush, withStatus } from '../simulators/shopify/index.js';
import { topicName } from '../topics/catalog.js';
import { int } from './options.js';

const opts = new Command('sync-lag')
  .option('--orders <n>', 'orders, each pushed created then paid', int(1), 5_000)
  .option('--rate <n>', 'pushes per second', int(1), 300)
  .option('--concurrency <n>', 'requests in flight at most', int(1), 32)
  .option('--keep', 'keep the namespace afterwards', false)
  .parse()
  .opts<{ orders: number; rate: number; concurrency: number; keep: boolean }>();

const say = (s: string) => process.stdout.write(`${s}\n`);
const SHOP = 'lag-bench.myshopify.com';
const SKU = 'APP-LAG-01';

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

async function main(): Promise<void> {
  const namespace = `bench_lag_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    OMNISTREAM_NAMESPACE: namespace,
    OMNISTREAM_PG_SCHEMA: namespace,
    OMNISTREAM_HTTP_PORT: '0',
    OMNISTREAM_RECONCILE_CRON: 'off',
    OMNISTREAM_RECONCILE_INCREMENTAL_CRON: 'off',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const log = createLogger('bench-sync-lag', config.LOG_LEVEL);
  const secret = randomBytes(24).toString('hex');
  say(`» namespace ${namespace}: gateway, inventory, sink, divergence`);
  const pipeline = await startPipeline(config, log, {
    shops: new ShopDirectory([{ channel: 'shopify', shopId: SHOP, brand: 'Lag', secret }]),
    parts: { gateway: true, inventory: true, sink: true, divergence: true },
  });
  const kafka = createKafka(config.KAFKA_BROKERS, 'bench-sync-lag', log);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const producer = createDurableProducer(kafka);
    await producer.connect();
    await publish(producer, pipeline.serde, namespace, 'stockMovements', [
      {
        key: SKU,
        value: {
          movementId: 'count',
          kind: 'COUNT',
          sku: SKU,
          warehouse: config.OMNISTREAM_WAREHOUSES[0]!.split(':')[0]!,
          quantity: 10 * opts.orders,
          orderKey: null,
          occurredAt: Date.now(),
        },
      },
    ]);
    await producer.disconnect();

    // Each order's "created" push, then (a little later in the stream) its "paid" push.
    type Step = { id: number; stage: 'create' | 'pay' };
    const steps: Step[] = [];
    for (let i = 0; i < opts.orders; i++) {
      steps.push({ id: 7_300_000_000 + i, stage: 'create' });
      if (i >= 20) steps.push({ id: 7_300_000_000 + i - 20, stage: 'pay' });
    }
    for (let i = Math.max(0, opts.orders - 20); i < opts.orders; i++) steps.push({ id: 7_300_000_000 + i, stage: 'pay' });
    const sentAt = new Map<string, number>();
    say(`» ${steps.length} pushes at ${opts.rate}/s`);
    const started = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        for (;;) {
          const n = next++;
          if (n >= steps.length) return;
          const due = started + (n * 1000) / opts.rate;
          if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
          const { id, stage } = steps[n]!;
          const now = new Date();
          const created = makeShopifyOrder({
            id,
            lines: [{ sku: SKU, quantity: 1, price: '10.00' }],
            createdAt: now,
            province: { name: 'Zhejiang', code: 'ZJ' },
            city: 'Hangzhou',
            countryCode: 'CN',
            currency: 'CNY',
          });
          const order = stage === 'create' ? created : withStatus(created, 'paid', null, now);
          const push = shopifyPush(order, stage === 'create' ? 'orders/create' : 'orders/paid', secret, SHOP);
          sentAt.set(`${id}:${stage}`, Date.now());
          const res = await fetch(`${pipeline.url}/webhooks/shopify/${SHOP}`, { method: 'POST', headers: push.headers, body: push.body });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`push ${id} ${stage}: HTTP ${res.status}`);
        }
      }),
    );
    const sendSeconds = (Date.now() - started) / 1000;
    await pipeline.drain(300_000);

    // The hub's decisions, with their broker times.
    const decidedAt = new Map<string, number>();
    const consumer = kafka.consumer({ groupId: `lag-reader-${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: topicName(namespace, 'inventoryEvents'), fromBeginning: true });
    const want = steps.length;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${decidedAt.size} of ${want} decisions read`)), 120_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const e = await pipeline.serde.decode('inventoryEvents', message.value!);
          if (!e.orderKey) return;
          const id = e.orderKey.split(':')[2];
          const stage = e.kind === 'LOCKED' ? 'create' : e.kind === 'RESERVED' ? 'pay' : null;
          if (stage && !decidedAt.has(`${id}:${stage}`)) decidedAt.set(`${id}:${stage}`, Number(message.timestamp));
          if (decidedAt.size >= want) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    const lags = [...sentAt].map(([k, t]) => decidedAt.get(k)! - t).sort((a, b) => a - b);
    const report = await divergenceReport(pipeline.redis, namespace);
    const opened = Object.values(report.byType).reduce((n, r) => n + r.opened, 0);
    const metrics = await (await fetch(`${pipeline.url}/metrics`)).text();
    const counted = metrics
      .split('\n')
      .filter((l) => l.startsWith('omnistream_channel_sync_lag_seconds_count'))
      .map((l) => `${l.split('{')[1]?.split('}')[0]} ${l.split(' ').pop()}`);
    say(`pushes ${lags.length}`);
    say(`send_rate_per_s ${(lags.length / sendSeconds).toFixed(1)}`);
    say(`push_to_decision_ms p50 ${percentile(lags, 0.5)} p95 ${percentile(lags, 0.95)} p99 ${percentile(lags, 0.99)} max ${lags.at(-1)}`);
    say(`seed_reference_ms 8000`);
    say(`divergences_opened ${opened}`);
    for (const c of counted) say(`metric omnistream_channel_sync_lag_seconds_count ${c}`);
    if (opened > 0) process.exitCode = 1;
  } finally {
    await pipeline.stop();
    if (!opts.keep) {
      const { Redis } = await import('ioredis');
      const pg = (await import('pg')).default;
      const redis = new Redis(config.REDIS_URL);
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
      await resetNamespace(admin, redis, pool, namespace, namespace).catch(() => {});
      redis.disconnect();
      await pool.end();
    }
    await admin.disconnect();
  }
}

main().catch((err: unknown) => {
  console.error(`sync-lag: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
