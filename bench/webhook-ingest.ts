/**
 * Webhook ingest benchmark: how many channel pushes a second one gateway acknowledges, each one
 * durably in Kafka (acks=all) before its 200.
 *
 *   npx tsx bench/webhook-ingest.ts [--orders 20000] [--concurrency 64] [--seed bench] [--warmup 300]
 *
 * In a fresh namespace (bench_wh_<random>): the gateway part of the pipeline only, shops with fresh
 * secrets for every webhook channel, then the mixed all-channel load of cli/loadgen (signed by each
 * channel's simulator; create/pay/cancel, 10% duplicates, 5% reordered) sent over keep-alive HTTP as
 * fast as the concurrency allows. Prints pushes/s, ack latency and outcomes, checks the events in
 * Kafka against the pushes acknowledged, and removes the namespace.
 */
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../app/config.js';
import { startPipeline } from '../app/pipeline.js';
import { type LoadStep, type Push, PushSigner, planLoad, signStep } from '../cli/loadgen/plan.js';
import { counterDelta, formatCounts, type RunResult, runPushes } from '../cli/loadgen/run.js';
import { GatewayClient, scrapePushCounters } from '../cli/loadgen/send.js';
import { freshShops, WEBHOOK_CHANNELS } from '../cli/loadgen/shops.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { resetNamespace } from '../lib/reset.js';
import { topicName } from '../topics/catalog.js';
import { int } from './options.js';

const frac = (v: string) => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a fraction in [0, 1]');
  return n;
};

const opts = new Command('webhook-ingest')
  .option('--orders <n>', 'orders in the measured load', int(1), 20_000)
  .option('--concurrency <n>', 'requests in flight', int(1), 64)
  .option('--seed <s>', 'seed of the load', 'bench')
  .option('--warmup <n>', 'orders sent first, not measured', int(0), 300)
  .option('--duplicates <f>', 'fraction of pushes delivered twice', frac, 0.1)
  .option('--reorder <f>', 'fraction of orders with a later status first', frac, 0.05)
  .option('--cancel <f>', 'fraction of orders cancelled', frac, 0.1)
  .option('--keep', 'keep the namespace afterwards', false)
  .parse()
  .opts<{ orders: number; concurrency: number; seed: string; warmup: number; duplicates: number; reorder: number; cancel: number; keep: boolean }>();

const say = (s: string) => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const namespace = `bench_wh_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    OMNISTREAM_NAMESPACE: namespace,
    OMNISTREAM_PG_SCHEMA: namespace,
    OMNISTREAM_HTTP_PORT: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const log = createLogger('bench-webhook', config.LOG_LEVEL);
  const shops = freshShops(WEBHOOK_CHANNELS, 2);
  say(`» namespace ${namespace}: starting the gateway (topics, schemas, producer acks=all)`);
  const pipeline = await startPipeline(config, log, { shops: new ShopDirectory(shops), parts: { gateway: true, inventory: false, sink: false } });
  const client = new GatewayClient(pipeline.url, opts.concurrency);
  let failed = false;
  try {
    const load = {
      channels: WEBHOOK_CHANNELS,
      shops,
      duplicates: opts.duplicates,
      reorder: opts.reorder,
      cancel: opts.cancel,
      duplicateGap: Math.max(256, opts.concurrency * 8),
    };
    // Signed before the clock starts, so the measurement is the gateway, not the simulators.
    // Timestamps (WeChat, Meituan: ±5 min) are re-signed should the run outlast 4 minutes.
    const presign = (seed: string, orders: number) => {
      const now = Date.now();
      const steps = planLoad({ ...load, orders, seed, now });
      const signer = new PushSigner(shops, seed, Number.POSITIVE_INFINITY);
      const signed = steps.map((s) => signer.sign(s, now));
      const toPush = (step: LoadStep): Push => {
        const p = signed[step.seq]!;
        return Date.now() - p.signedAt < 240_000 ? p : signStep(step, shops, seed, Date.now());
      };
      return { steps, toPush };
    };

    if (opts.warmup > 0) {
      const warm = presign(`${opts.seed}-warmup`, opts.warmup);
      const w = await runPushes({ client, items: warm.steps, toPush: warm.toPush, concurrency: opts.concurrency });
      say(`» warm-up: ${w.pushes} pushes in ${w.seconds.toFixed(2)} s (${formatCounts(w.byAnswer)})`);
    }

    say(`» building ${opts.orders} orders over ${WEBHOOK_CHANNELS.join(', ')} (seed ${opts.seed})`);
    const t = performance.now();
    const main = presign(opts.seed, opts.orders);
    const firsts = main.steps.filter((s) => !s.duplicate).length;
    say(`  ${main.steps.length} pushes (${main.steps.length - firsts} duplicates) signed in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const topic = topicName(namespace, 'orderEvents');
    const kafka = createKafka(config.KAFKA_BROKERS, 'bench-webhook', log);
    const admin = kafka.admin();
    await admin.connect();
    const eventsIn = async () => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    const eventsBefore = await eventsIn();
    const countersBefore = await scrapePushCounters(client);

    say(`» sending, ${opts.concurrency} in flight, unpaced`);
    let lastReport = performance.now();
    const result: RunResult = await runPushes({
      client,
      items: main.steps,
      toPush: main.toPush,
      concurrency: opts.concurrency,
      onAnswer: (done) => {
        const now = performance.now();
        if (now - lastReport > 5_000) {
          lastReport = now;
          process.stderr.write(`  ${done}/${main.steps.length}\n`);
        }
      },
    });
    const counted = counterDelta(countersBefore, await scrapePushCounters(client));
    const eventsAfter = await eventsIn();
    await admin.disconnect();

    const stored = eventsAfter - eventsBefore;
    const acked = [...result.byAnswer].filter(([k]) => k.startsWith('2')).reduce((s, [, n]) => s + n, 0);
    say('');
    say('=== webhook ingest (gateway only; every 2xx = durably in Kafka, acks=all) ===');
    say(
      `pushes:        ${result.pushes} (${firsts} first deliveries, ${result.pushes - firsts} duplicates), ${result.requests} requests, ${result.retries} retries after 503`,
    );
    say(`throughput:    ${(result.pushes / result.seconds).toFixed(0)} pushes/s over ${result.seconds.toFixed(2)} s at concurrency ${opts.concurrency}`);
    say(`ack latency:   p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${(result.latencies.at(-1) ?? Number.NaN).toFixed(1)} ms`);
    say(`answers:       ${formatCounts(result.byAnswer)}`);
    say(`gateway:       ${counted ? formatCounts(counted) : '(no /metrics)'}`);
    say(`kafka:         ${stored} order events appended to ${topic}; ${firsts} expected (one per first delivery)`);
    say(`acknowledged:  ${acked} of ${result.pushes}; unexpected answers: ${result.unexpectedCount}`);
    for (const u of result.unexpected.slice(0, 5))
      say(`  #${u.push.seq} ${u.push.channel} ${u.push.stage} (expected ${u.push.expect}): ${u.status} ${u.outcome} ${u.reason ?? ''}`);
    say(
      `machine:       ${(await import('node:os')).cpus().length} cores, load average ${(await import('node:os'))
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    failed = result.unexpectedCount > 0 || stored !== firsts;
    if (stored !== firsts) say(`!! Kafka holds ${stored} events for ${firsts} first deliveries`);
  } finally {
    client.close();
    await pipeline.stop();
    if (!opts.keep) {
      const kafka = createKafka(config.KAFKA_BROKERS, 'bench-webhook-reset', log);
      const admin = kafka.admin();
      await admin.connect();
      const redis = new Redis(config.REDIS_URL);
      const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
      try {
        await resetNamespace(admin, redis, pool, namespace, namespace);
        say(`» namespace ${namespace} removed`);
      } finally {
        await admin.disconnect();
        redis.disconnect();
        await pool.end();
      }
    }
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(`webhook-ingest: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
