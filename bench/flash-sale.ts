/**
 * Flash-sale benchmark of the inventory processor on the local stack.
 *
 *   npx tsx bench/flash-sale.ts [--attempts 1000000] [--hot-stock 10000] [--kill 2] [--rate 5000] [--baseline]
 *
 * In a fresh namespace (bench_<random>): topics + schemas, stock counted in through stock-movements,
 * `attempts` canonical orders written straight onto order-events (Avro wire format), the processor
 * run as a child process (`omnistream run --only inventory`, SIGKILLed and restarted --kill times),
 * then the result checked from Redis and from every inventory-events record. --baseline runs the
 * same order stream through a SELECT … FOR UPDATE reservation in Postgres for comparison.
 */

import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig } from '../app/config.js';
import { createDurableProducer, createKafka, createLoadProducer } from '../lib/kafka.js';
import { groupLag } from '../lib/lag.js';
import { createLogger } from '../lib/logger.js';
import { publish } from '../lib/publish.js';
import { ensureTopics, useLogAppendTime } from '../lib/topic-admin.js';
import { availableOf } from '../processors/inventory/decision.js';
import { inventoryProcessor } from '../processors/inventory/processor.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { InventoryAudit, percentile } from '../test/support/inventory-audit.js';
import { childEnv, ProcessorChild, waitForGroupStable } from '../test/support/processor-child.js';
import { fnv1a, scanTopic, WireDecoder } from '../test/support/topic-scan.js';
import { allTopicNames, topicName } from '../topics/catalog.js';
import type { InventoryEvent } from '../topics/schemas/inventory-event.js';
import { TopicSerde } from '../topics/serde.js';
import { type BaselineResult, runBaseline } from './baseline.js';
import { int } from './options.js';
import { auditOrder, benchOrder, coldSku, HOT_SKU, orderEncoder, orderEvent, orderIndexOf } from './orders.js';

interface Options {
  attempts: number;
  hotStock: number;
  kill: number;
  rate?: number;
  baseline?: boolean;
  baselineAttempts?: number;
  baselineWorkers: number;
  baselineSyncCommit: 'on' | 'off';
  coldSkus: number;
  batch: number;
  concurrency: number;
  timeout: number;
  keep?: boolean;
}

const program = new Command('flash-sale')
  .description('flash sale through the inventory processor (child process) on the local stack, checked for oversell and lost decisions')
  .option('--attempts <n>', 'purchase orders to write', int(1), 1_000_000)
  .option('--hot-stock <n>', 'units of the hot SKU on sale', int(1), 10_000)
  .option('--kill <n>', 'SIGKILL the processor this many times mid-run (restarting it each time)', int(0), 0)
  .option(
    '--rate <n>',
    'paced mode: produce N orders/s while the processor runs (latency without backlog); default: write all, then process the backlog',
    int(1),
  )
  .option('--baseline', 'also run the same stream through Postgres SELECT … FOR UPDATE reservations and compare')
  .option('--baseline-attempts <n>', 'orders for the baseline (the first N of the same stream; default: --attempts)', int(1))
  .option('--baseline-workers <n>', 'concurrent Postgres connections in the baseline', int(1), 16)
  .option(
    '--baseline-sync-commit <on|off>',
    'Postgres synchronous_commit in the baseline (off: no fsync wait per order, closer to Redis without AOF)',
    (v: string) => {
      if (v !== 'on' && v !== 'off') throw new InvalidArgumentError('expected on or off');
      return v;
    },
    'on',
  )
  .option('--cold-skus <n>', 'cold SKUs with ample stock (~20% of orders add one)', int(0), 50)
  .option('--batch <n>', 'orders per producer send', int(1), 5000)
  .option('--concurrency <n>', 'producer sends in flight (backlog mode)', int(1), 4)
  .option('--timeout <s>', 'give up waiting for lag 0 after this many seconds', int(1), 1800)
  .option('--keep', 'keep the namespace (topics, Redis keys) afterwards');

async function main(o: Options): Promise<number> {
  const ns = `bench_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({ ...process.env, OMNISTREAM_NAMESPACE: ns, OMNISTREAM_PG_SCHEMA: ns, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const warehouse = config.OMNISTREAM_WAREHOUSES[0]!;
  const log = createLogger('bench', config.LOG_LEVEL);
  const kafka = createKafka(config.KAFKA_BROKERS, 'bench-flash-sale', log);
  const admin = kafka.admin();
  await admin.connect();
  const redis = new Redis(config.REDIS_URL);
  const group = `${ns}.${inventoryProcessor.name}`;
  const ordersTopic = topicName(ns, 'orderEvents');
  const movesTopic = topicName(ns, 'stockMovements');
  const outTopic = topicName(ns, 'inventoryEvents');
  const coldStock = Math.max(1000, o.attempts); // never the limit: at most ~0.012 × attempts units per cold SKU
  const saleStart = Date.now();
  const say = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${s}\n`);
  let child: ProcessorChild | undefined;
  let failed = false;

  try {
    say(`namespace ${ns}: creating topics, registering schemas`);
    await ensureTopics(admin, ns);
    await useLogAppendTime(admin, ns, ['orderEvents', 'inventoryEvents']);
    const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
    await serde.registerAll();
    const encode = await orderEncoder(serde, orderEvent(benchOrder(0, o.coldSkus), 0, saleStart));

    say(`stock: ${HOT_SKU} × ${o.hotStock}, ${o.coldSkus} cold SKUs × ${coldStock} at ${warehouse}`);
    const durable = createDurableProducer(kafka);
    await durable.connect();
    await publish(
      durable,
      serde,
      ns,
      'stockMovements',
      [HOT_SKU, ...Array.from({ length: o.coldSkus }, (_, j) => coldSku(j))].map((sku) => ({
        key: sku,
        value: {
          movementId: `bench-count-${sku}@${warehouse}`,
          kind: 'COUNT' as const,
          sku,
          warehouse,
          quantity: sku === HOT_SKU ? o.hotStock : coldStock,
          occurredAt: saleStart - 60_000,
        },
      })),
    );
    await durable.disconnect();

    const producer = createLoadProducer(kafka);
    await producer.connect();
    const send = async (from: number, to: number) => {
      const messages = new Array<{ key: string; value: Buffer }>(to - from);
      for (let i = from; i < to; i++) {
        const order = benchOrder(i, o.coldSkus);
        messages[i - from] = { key: order.orderKey, value: encode(orderEvent(order, i, saleStart)) };
      }
      await producer.send({ topic: ordersTopic, acks: -1, messages });
    };

    const env = childEnv(config);
    let produced = 0;
    let productionDone = false;
    let produceSeconds = 0;
    const production = async () => {
      const t0 = performance.now();
      if (o.rate === undefined) {
        await Promise.all(
          Array.from({ length: o.concurrency }, async () => {
            while (produced < o.attempts) {
              const from = produced;
              const to = Math.min(o.attempts, from + o.batch);
              produced = to;
              await send(from, to);
            }
          }),
        );
      } else {
        while (produced < o.attempts) {
          const due = Math.min(o.attempts, Math.floor((o.rate * (performance.now() - t0)) / 1000));
          if (due > produced) {
            const from = produced;
            const to = Math.min(due, from + o.batch);
            produced = to;
            await send(from, to);
          } else {
            await sleep(2);
          }
        }
      }
      produceSeconds = (performance.now() - t0) / 1000;
      productionDone = true;
    };

    let spawnedAt = 0;
    let productionRun: Promise<void>;
    if (o.rate === undefined) {
      say(`writing ${o.attempts} orders onto ${ordersTopic} (batches of ${o.batch}, ${o.concurrency} in flight, acks=all)`);
      const bar = progress('produce', o.attempts);
      const tick = setInterval(() => bar.update(produced), 250);
      await production();
      clearInterval(tick);
      bar.update(o.attempts);
      bar.stop();
      say(`produced ${o.attempts} in ${produceSeconds.toFixed(1)} s (${Math.round(o.attempts / produceSeconds)}/s); starting the processor`);
      spawnedAt = Date.now();
      child = new ProcessorChild(env);
      productionRun = Promise.resolve();
    } else {
      say(`paced mode: starting the processor, then producing ${o.rate} orders/s`);
      spawnedAt = Date.now();
      child = new ProcessorChild(env);
      await waitForGroupStable(admin, group, 1, 120_000);
      productionRun = production();
    }

    // Watch the group's lag; kill and restart the child at spread-out points.
    const kills: { at: number; processed: number; applied: number }[] = [];
    const thresholds = Array.from({ length: o.kill }, (_, k) => Math.floor(((k + 1) * o.attempts) / (o.kill + 1)));
    const bar = progress('decide ', o.attempts);
    const deadline = Date.now() + o.timeout * 1000;
    let zeroRounds = 0;
    let lagZeroAt = 0;
    for (;;) {
      const lag = await groupLag(admin, group, [ordersTopic]);
      const moveLag = await groupLag(admin, group, [movesTopic]);
      const processed = produced - lag;
      bar.update(Math.max(0, processed));
      if (kills.length < thresholds.length && processed >= thresholds[kills.length]! && processed < o.attempts) {
        const exit = await child.kill();
        const committed = produced - (await groupLag(admin, group, [ordersTopic])); // final: the process is gone
        const applied = await countKeys(redis, `{${ns}}:inv:h:*`);
        kills.push({ at: Date.now(), processed: committed, applied });
        bar.stop();
        say(
          `kill ${kills.length}/${o.kill}: SIGKILL pid ${child.pid} (${exit.signal}) with ${committed} orders committed, ${applied} applied in Redis (${applied - committed} to replay); restarting`,
        );
        child = new ProcessorChild(env);
        bar.start(o.attempts, processed);
      }
      if (child.proc.exitCode !== null) throw new Error(`processor exited with code ${child.proc.exitCode}:\n${child.output()}`);
      zeroRounds = productionDone && lag === 0 && moveLag === 0 ? zeroRounds + 1 : 0;
      if (zeroRounds === 1) lagZeroAt = Date.now();
      if (zeroRounds >= 2) break;
      if (Date.now() > deadline) throw new Error(`lag still ${lag} after ${o.timeout} s`);
      await sleep(200);
    }
    bar.update(o.attempts);
    bar.stop();
    await productionRun;
    await producer.disconnect();
    await child.stop();
    child = undefined;
    const skipped = o.kill - kills.length;
    say(`lag 0; processor stopped${o.kill ? ` (${kills.length} kills${skipped ? `, ${skipped} skipped: run ended first` : ''})` : ''}; auditing`);

    // Redis state.
    const store = new RedisInventoryStore(redis, ns);
    const hot = await store.levels(HOT_SKU, warehouse);
    const colds = await Promise.all(Array.from({ length: o.coldSkus }, (_, j) => store.levels(coldSku(j), warehouse)));

    // Every output record.
    const decoder = new WireDecoder(serde);
    const audit = new InventoryAudit(o.attempts, orderIndexOf, (i) => auditOrder(i, o.coldSkus));
    await scanTopic(kafka, admin, outTopic, async (r) => {
      const v = r.value!;
      audit.add(await decoder.decodeAsync<InventoryEvent>(v), r.timestamp, fnv1a(v));
    });
    const rep = audit.report();
    const orderTs = new Float64Array(o.attempts).fill(NaN);
    let orderRecords = 0;
    await scanTopic(kafka, admin, ordersTopic, (r) => {
      orderRecords++;
      const i = orderIndexOf(r.key!.toString());
      if (i !== undefined && i < o.attempts) orderTs[i] = r.timestamp;
    });
    const lat: number[] = [];
    for (let i = 0; i < o.attempts; i++) {
      const d = rep.firstDecisionAt[i]! - orderTs[i]!;
      if (!Number.isNaN(d)) lat.push(d);
    }
    const latency = Float64Array.from(lat).sort();

    // Invariants.
    const hotHeld = hot.locked + hot.reserved;
    const hotAvailable = availableOf(hot);
    // More held than physical − safety − presale quota allows.
    const oversold = Math.max(0, -hotAvailable);
    const negativesRedis = [hot, ...colds].filter(
      (s) => s.physical < 0 || s.locked < 0 || s.reserved < 0 || s.safety < 0 || s.presaleQuota < 0 || availableOf(s) < 0,
    ).length;
    const coldMismatch = colds.filter((s, j) => s.locked + s.reserved !== (rep.heldBySku.get(coldSku(j)) ?? 0)).length;
    const decided = rep.accepted + rep.rejected + rep.conflicting;
    const checks: [string, boolean, string][] = [
      [`hot units held in Redis = hot stock (${o.hotStock})`, hotHeld === o.hotStock, String(hotHeld)],
      ['hot available in Redis = 0', hotAvailable === 0, String(hotAvailable)],
      ['oversold units = 0', oversold === 0, String(oversold)],
      [
        'negative counts (Redis SKUs, output records) = 0',
        negativesRedis === 0 && rep.negativeLevels === 0,
        `${negativesRedis} SKUs, ${rep.negativeLevels} records`,
      ],
      ['hot units held per inventory-events = Redis', (rep.heldBySku.get(HOT_SKU) ?? 0) === hotHeld, String(rep.heldBySku.get(HOT_SKU) ?? 0)],
      ['cold SKUs whose Redis holds ≠ inventory-events', coldMismatch === 0, String(coldMismatch)],
      ['orders without outcome = 0', rep.noOutcome === 0, String(rep.noOutcome)],
      ['orders with conflicting outcomes = 0', rep.conflicting === 0, String(rep.conflicting)],
      ['orders with incomplete decisions = 0', rep.incomplete === 0, String(rep.incomplete)],
      ['accepted orders later released (expiry/cancel) = 0', rep.releasedOrders === 0, String(rep.releasedOrders)],
      ['rejections without a reason = 0', rep.emptyReasons === 0, String(rep.emptyReasons)],
      ['decisions for unknown orders = 0', rep.unknownOrders === 0, String(rep.unknownOrders)],
      ['re-emitted duplicates that differ from the original = 0', rep.duplicatesDiffering === 0, String(rep.duplicatesDiffering)],
      [`order-events records = attempts`, orderRecords === o.attempts, String(orderRecords)],
    ];
    failed = checks.some(([, ok]) => !ok);

    const wallSec = (lagZeroAt - rep.firstDecisionTs) / 1000;
    const spanSec = (rep.lastDecisionTs - rep.firstDecisionTs) / 1000;
    const rate = decided / wallSec;
    const out: string[] = [];
    const row = (k: string, v: string | number) => out.push(`  ${k.padEnd(44)} ${v}`);
    out.push(
      '',
      `flash sale — namespace ${ns}, ${o.rate ? `paced at ${o.rate} orders/s` : 'backlog (all orders written before the processor starts)'}, ${o.kill} kill(s) requested`,
    );
    row('attempts (orders written)', o.attempts);
    row('hot stock', o.hotStock);
    row(
      'hot units reserved (Redis locked+reserved)',
      `${hotHeld} (locked ${hot.locked}, reserved ${hot.reserved}, physical ${hot.physical}, available ${hotAvailable})`,
    );
    row('accepted orders', rep.accepted);
    row('rejected orders', rep.rejected);
    row('oversold units', oversold);
    row('orders without outcome', rep.noOutcome);
    row('orders with conflicting outcomes', rep.conflicting);
    row('output records / distinct event ids', `${rep.outputRecords} / ${rep.distinctEventIds}`);
    row('duplicate outputs (re-emitted after crash)', `${rep.duplicateRecords} (differing: ${rep.duplicatesDiffering})`);
    row('processor kills', kills.length ? kills.map((k) => `at ${k.processed} committed / ${k.applied} applied`).join(', ') : 0);
    row('order decisions', decided);
    row('decisions/s', `${Math.round(rate)}  [decisions ÷ (lag 0 observed − first decision appended) = ${wallSec.toFixed(2)} s]`);
    row('decisions/s, output span only', `${Math.round(decided / spanSec)}  [÷ (last − first decision appended) = ${spanSec.toFixed(2)} s]`);
    row('processor spawn → first decision', `${((rep.firstDecisionTs - spawnedAt) / 1000).toFixed(2)} s (startup + group join, not in the rate)`);
    row('produce', `${o.attempts} in ${produceSeconds.toFixed(2)} s (${Math.round(o.attempts / produceSeconds)}/s)`);
    row(
      'decision latency p50 / p99 / max',
      `${percentile(latency, 50)} / ${percentile(latency, 99)} / ${latency[latency.length - 1]} ms  (n=${latency.length})`,
    );
    out.push('  latency = broker LogAppendTime of the order on order-events → broker LogAppendTime of its first');
    out.push('            record on inventory-events (both topics set to LogAppendTime in this namespace); exact');
    out.push('            percentiles over every order (sorted, nearest rank).');
    out.push(
      o.rate
        ? `            paced mode: orders arrive at ${o.rate}/s, so latency is processing + batching, not backlog.`
        : '            backlog mode: orders wait on the topic until the processor reaches them, so this is mostly queueing; use --rate N for processing latency.',
    );
    out.push('', '  checks:');
    for (const [name, ok, value] of checks) out.push(`    ${ok ? 'ok  ' : 'FAIL'} ${name}: ${value}`);

    let base: BaselineResult | undefined;
    if (o.baseline) {
      const n = Math.min(o.baselineAttempts ?? o.attempts, o.attempts);
      say(`baseline: ${n} orders through Postgres (${o.baselineWorkers} connections, SELECT … FOR UPDATE + conditional UPDATE per order)`);
      const bbar = progress('pg     ', n);
      base = await runBaseline({
        databaseUrl: config.DATABASE_URL,
        schema: `${ns}_pg`,
        attempts: n,
        hotStock: o.hotStock,
        coldSkus: o.coldSkus,
        coldStock,
        workers: o.baselineWorkers,
        synchronousCommit: o.baselineSyncCommit,
        onProgress: (d) => bbar.update(d),
      });
      bbar.update(n);
      bbar.stop();
      const bchecks: [string, boolean, string][] = [
        [`baseline hot units reserved = hot stock (${o.hotStock})`, base.hotUnitsReserved === o.hotStock, String(base.hotUnitsReserved)],
        ['baseline hot available = 0', base.hotAvailableAfter === 0, String(base.hotAvailableAfter)],
        ['baseline one outcome row per order', base.outcomeRows === n, String(base.outcomeRows)],
      ];
      if (bchecks.some(([, ok]) => !ok)) failed = true;
      out.push(
        '',
        `baseline — Postgres, one transaction per order: SELECT … FOR UPDATE (SKU order), conditional UPDATE, outcome row; ${o.baselineWorkers} connections, synchronous_commit=${o.baselineSyncCommit}`,
      );
      row('orders (first N of the same stream)', `${base.attempts}${base.attempts < o.attempts ? ' (subset: measured, nothing extrapolated)' : ''}`);
      row('accepted / rejected', `${base.acceptedOrders} / ${base.rejectedOrders}`);
      row('decisions/s', `${Math.round(base.decisionsPerSec)}  [${base.attempts} ÷ ${base.seconds.toFixed(2)} s wall]`);
      row('transaction time p50 / p99', `${base.txP50Ms.toFixed(2)} / ${base.txP99Ms.toFixed(2)} ms`);
      row('deadlock/serialization retries', base.retries);
      for (const [name, ok, value] of bchecks) out.push(`    ${ok ? 'ok  ' : 'FAIL'} ${name}: ${value}`);
      out.push(
        '',
        `  ratio omnistream / baseline decisions/s: ${(rate / base.decisionsPerSec).toFixed(2)}×  (${Math.round(rate)} vs ${Math.round(base.decisionsPerSec)})`,
      );
      const persistence = await redisPersistence(redis);
      out.push(
        `  durability differs: Redis here runs ${persistence}; the baseline's commits ${o.baselineSyncCommit === 'on' ? 'wait for the WAL fsync (synchronous_commit=on)' : 'do not wait for fsync (synchronous_commit=off)'}.`,
      );
    }
    out.push('', failed ? 'RESULT: FAIL (see checks)' : 'RESULT: ok — every check passed', '');
    console.log(out.join('\n'));
    return failed ? 1 : 0;
  } finally {
    if (child) await child.kill();
    if (!o.keep) {
      say(`removing namespace ${ns} (topics, group, Redis keys)`);
      // The topics ensureTopics(admin, ns) created: no per-channel command topics (no channels given).
      await admin.deleteTopics({ topics: allTopicNames(ns, []).map((t) => t.name) }).catch(() => {});
      await admin.deleteGroups([group]).catch(() => {});
      await deleteKeys(redis, `{${ns}}:*`);
    } else {
      say(`kept namespace ${ns}`);
    }
    await admin.disconnect();
    redis.disconnect();
  }
}

async function redisPersistence(redis: Redis): Promise<string> {
  try {
    const [, aof] = (await redis.config('GET', 'appendonly')) as string[];
    const [, fsync] = (await redis.config('GET', 'appendfsync')) as string[];
    const [, save] = (await redis.config('GET', 'save')) as string[];
    return `appendonly=${aof}${aof === 'yes' ? ` (appendfsync=${fsync})` : ''}, save="${save}"`;
  } catch {
    return 'with unknown persistence (CONFIG GET refused)';
  }
}

async function countKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0',
    n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 10_000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

function progress(label: string, total: number): cliProgress.SingleBar {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      hideCursor: false,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return bar;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

program.action(async (opts: Options) => {
  process.exit(await main(opts));
});
program.parseAsync().catch((err: unknown) => {
  console.error(`flash-sale: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
