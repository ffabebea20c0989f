/*
 * Replay benchmark: a generated history of ≥ 1,000,000 events on a fresh namespace's order-events and
 * inventory-events, rebuilt into a fresh schema by replayProjections; prints events/s, checks the
 * row counts against what was generated, and removes everything it created.
 *
 *   npx tsx bench/replay.ts [--events 1000000] [--batch 20000] [--writers 2] [--keep]
 */
import { randomBytes } from 'node:crypto';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig } from '../app/config.js';
import { createKafka, createLoadProducer } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { resetNamespace } from '../lib/reset.js';
import { ensureTopics } from '../lib/topic-admin.js';
import { replayProjections } from '../sinks/postgres/replay.js';
import { topicName } from '../topics/catalog.js';
import type { InventoryEvent, InventoryEventKind } from '../topics/schemas/inventory-event.js';
import type { OrderEvent, OrderStatus } from '../topics/schemas/order-event.js';
import { TopicSerde } from '../topics/serde.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
};
const opts = new Command('bench-replay')
  .option('--events <n>', 'events to generate (at least)', int, 1_000_000)
  .option('--batch <n>', 'events per projection write', int, 20_000)
  .option('--writers <n>', 'parallel Postgres writers', int, 2)
  .option('--skus <n>', 'SKUs (× 3 warehouses)', int, 2000)
  .option('--keep', 'keep the namespace and schema afterwards', false)
  .parse()
  .opts<{ events: number; batch: number; writers: number; skus: number; keep: boolean }>();

/** splitmix32-style hash: a fixed pseudo-random value per (index, salt), so every run generates the same history. */
function rnd(i: number, salt: number): number {
  let z = (i * 0x9e3779b9 + salt * 0x85ebca6b) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

const CHANNELS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'kuaishou', 'shopify'];
const WAREHOUSES = ['WH-EAST', 'WH-SOUTH', 'WH-NORTH'];
const T0 = Date.UTC(2026, 10, 11, 0, 0, 0);

interface Level {
  physical: number;
  locked: number;
  reserved: number;
  version: number;
}

/**
 * The history of order i, as the hub would have written it: channel facts on order-events, and
 * the processor's decisions (with consistent levels, version +1 per change) on inventory-events.
 */
class History {
  readonly levels = new Map<string, Level>();
  orders = 0;
  orderEvents = 0;
  inventoryEvents = 0;
  timelineInventory = 0;

  *order(i: number): Generator<{ topic: 'orderEvents'; key: string; value: OrderEvent } | { topic: 'inventoryEvents'; key: string; value: InventoryEvent }> {
    this.orders++;
    const channel = CHANNELS[rnd(i, 1) % CHANNELS.length]!;
    const shopId = `${channel}-shop-${rnd(i, 2) % 8}`;
    const orderKey = `${channel}:${shopId}:R${i}`;
    const warehouse = WAREHOUSES[rnd(i, 3) % WAREHOUSES.length]!;
    const lines = Array.from({ length: 1 + (rnd(i, 4) % 3) }, (_, j) => ({
      sku: `SKU-${String(rnd(i, 10 + j) % opts.skus).padStart(5, '0')}`,
      quantity: 1 + (rnd(i, 20 + j) % 3),
      unitPriceMinor: 990 + (rnd(i, 30 + j) % 20_000),
    }));
    const merged = [...new Map(lines.map((l) => [l.sku, l])).values()];
    const t = T0 + i * 7;
    const base = {
      orderKey,
      channel,
      shopId,
      brand: `Brand ${rnd(i, 5) % 5}`,
      channelOrderId: `R${i}`,
      currency: 'CNY',
      totalMinor: merged.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0),
      lines: merged,
      buyerCountry: 'CN',
      buyerProvince: ['ZJ', 'GD', 'BJ', 'SH'][rnd(i, 6) % 4]!,
      buyerCity: null,
      presale: false,
    };
    const order = (status: OrderStatus, at: number, detail: 'FULL' | 'STATUS_ONLY'): { topic: 'orderEvents'; key: string; value: OrderEvent } => {
      this.orderEvents++;
      return {
        topic: 'orderEvents',
        key: orderKey,
        value:
          detail === 'FULL'
            ? { ...base, eventId: `${orderKey}:${status}`, status, channelStatus: `c-${status}`, occurredAt: at, receivedAt: at + 40, detail }
            : {
                ...base,
                eventId: `${orderKey}:${status}`,
                status,
                channelStatus: `c-${status}`,
                occurredAt: at,
                receivedAt: at + 40,
                detail,
                totalMinor: 0,
                lines: [],
                buyerProvince: null,
                buyerCountry: null,
              },
      };
    };
    const decisions = (kind: InventoryEventKind, at: number, change: (l: Level, q: number) => void) =>
      merged.map((l) => {
        const key = `${l.sku}@${warehouse}`;
        let lv = this.levels.get(key);
        if (!lv) {
          lv = { physical: 1_000_000_000, locked: 0, reserved: 0, version: 0 };
          this.levels.set(key, lv);
        }
        change(lv, l.quantity);
        lv.version++;
        this.inventoryEvents++;
        this.timelineInventory++;
        const value: InventoryEvent = {
          eventId: `${orderKey}:${kind}:${l.sku}`,
          kind,
          orderKey,
          sku: l.sku,
          warehouse,
          quantity: l.quantity,
          reason: null,
          physical: lv.physical,
          locked: lv.locked,
          reserved: lv.reserved,
          safety: 0,
          presaleQuota: 0,
          available: lv.physical - lv.locked - lv.reserved,
          version: lv.version,
          occurredAt: at + 5,
        };
        return { topic: 'inventoryEvents' as const, key, value };
      });
    yield order('CREATED', t, 'FULL');
    yield* decisions('LOCKED', t, (lv, q) => {
      lv.locked += q;
    });
    const r = rnd(i, 7) % 100;
    if (r < 12) {
      yield order('CANCELLED', t + 60_000, 'STATUS_ONLY');
      yield* decisions('RELEASED', t + 60_000, (lv, q) => {
        lv.locked -= q;
      });
      return;
    }
    if (r < 30) return; // still unpaid
    yield order('PAID', t + 30_000, 'FULL');
    yield* decisions('RESERVED', t + 30_000, (lv, q) => {
      lv.locked -= q;
      lv.reserved += q;
    });
    if (r < 65) return;
    yield order('SHIPPED', t + 3_600_000, 'STATUS_ONLY');
    yield* decisions('SHIPPED', t + 3_600_000, (lv, q) => {
      lv.reserved -= q;
      lv.physical -= q;
    });
  }
}

async function main(): Promise<void> {
  const ns = `bench_replay_${randomBytes(3).toString('hex')}`;
  const target = `${ns}_replica`;
  const config = loadConfig({ ...process.env, OMNISTREAM_NAMESPACE: ns, OMNISTREAM_PG_SCHEMA: target, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const log = createLogger('bench-replay', config.LOG_LEVEL);
  const kafka = createKafka(config.KAFKA_BROKERS, 'bench-replay', log);
  const admin = kafka.admin();
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2 });
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: opts.writers + 2 });
  let failed = false;
  await admin.connect();
  try {
    await ensureTopics(admin, ns);
    const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
    await serde.registerAll();

    // 1. The history: pre-encoded, written in big batches, several sends in flight.
    const producer = createLoadProducer(kafka);
    await producer.connect();
    const history = new History();
    const genBar = new cliProgress.SingleBar(
      { format: ' generate {bar} {percentage}% | {value}/{total} events', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    const tGen = performance.now();
    genBar.start(opts.events, 0);
    const inFlight = new Set<Promise<unknown>>();
    const CHUNK = 10_000;
    let chunk: { orderEvents: { key: string; value: Buffer }[]; inventoryEvents: { key: string; value: Buffer }[] } = { orderEvents: [], inventoryEvents: [] };
    let produced = 0;
    const send = async () => {
      const c = chunk;
      chunk = { orderEvents: [], inventoryEvents: [] };
      const p = producer
        .sendBatch({
          acks: 1,
          topicMessages: [
            { topic: topicName(ns, 'orderEvents'), messages: c.orderEvents },
            { topic: topicName(ns, 'inventoryEvents'), messages: c.inventoryEvents },
          ].filter((t) => t.messages.length > 0),
        })
        .then(() => {
          produced += c.orderEvents.length + c.inventoryEvents.length;
          genBar.update(produced);
        });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p)).catch(() => {});
      if (inFlight.size >= 4) await Promise.race(inFlight);
    };
    for (let i = 0; history.orderEvents + history.inventoryEvents < opts.events; i++) {
      for (const e of history.order(i)) {
        if (e.topic === 'orderEvents') chunk.orderEvents.push({ key: e.key, value: serde.encodeSync('orderEvents', e.value) });
        else chunk.inventoryEvents.push({ key: e.key, value: serde.encodeSync('inventoryEvents', e.value) });
      }
      if (chunk.orderEvents.length + chunk.inventoryEvents.length >= CHUNK) await send();
    }
    if (chunk.orderEvents.length + chunk.inventoryEvents.length > 0) await send();
    await Promise.all(inFlight);
    genBar.stop();
    await producer.disconnect();
    const generated = history.orderEvents + history.inventoryEvents;
    const genS = (performance.now() - tGen) / 1000;
    console.log(
      `generated ${generated} events (${history.orderEvents} order, ${history.inventoryEvents} inventory; ${history.orders} orders, ${history.levels.size} SKU×warehouse) in ${genS.toFixed(1)} s (${(generated / genS).toFixed(0)} events/s produced)`,
    );

    // 2. The replay, measured.
    const bar = new cliProgress.SingleBar(
      { format: ' replay   {bar} {percentage}% | {value}/{total} events | {rate} events/s', stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const result = await replayProjections({
      kafka,
      serde,
      pool,
      namespace: ns,
      targetSchema: target,
      batchSize: opts.batch,
      writers: opts.writers,
      log,
      onProgress: (p) => {
        if (!started) {
          bar.start(p.total, p.events, { rate: '0' });
          started = true;
        }
        bar.update(p.events, { rate: p.rate.toFixed(0) });
      },
    });
    bar.stop();
    console.log(
      `replayed ${result.events} events in ${(result.elapsedMs / 1000).toFixed(1)} s: ${result.rate.toFixed(0)} events/s ` +
        `(batch ${opts.batch}, ${opts.writers} writer(s), ${result.batches} writes; reading starts after migrations and includes the consumer's group join)`,
    );

    // 3. The rebuilt tables hold what was generated.
    const count = async (table: string) => Number((await pool.query<{ n: string }>(`select count(*) as n from ${target}.${table}`)).rows[0]!.n);
    const checks: [string, number, number][] = [
      ['events replayed', result.events, generated],
      ['orders', await count('orders'), history.orders],
      ['stock_levels', await count('stock_levels'), history.levels.size],
      ['inventory_decisions', await count('inventory_decisions'), history.inventoryEvents],
      ['order_timeline', await count('order_timeline'), history.orderEvents + history.timelineInventory],
    ];
    for (const [what, got, want] of checks) {
      const ok = got === want;
      if (!ok) failed = true;
      console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${got}${ok ? '' : ` (expected ${want})`}`);
    }
    const [sample] = (
      await pool.query(`select sku, warehouse, physical, locked, reserved, version from ${target}.stock_levels order by sku, warehouse limit 1`)
    ).rows;
    const lv = history.levels.get(`${sample.sku}@${sample.warehouse}`)!;
    const levelOk =
      Number(sample.physical) === lv.physical &&
      Number(sample.locked) === lv.locked &&
      Number(sample.reserved) === lv.reserved &&
      Number(sample.version) === lv.version;
    if (!levelOk) failed = true;
    console.log(`${levelOk ? 'ok  ' : 'FAIL'} newest levels of ${sample.sku}@${sample.warehouse}: version ${sample.version}`);
    if (result.rate < 50_000) console.log(`note: below the 50,000 events/s target (${result.rate.toFixed(0)} events/s)`);
  } finally {
    if (!opts.keep) {
      await resetNamespace(admin, redis, pool, ns, target);
      const subjects = ((await (await fetch(`${config.SCHEMA_REGISTRY_URL}/subjects`)).json()) as string[]).filter((s) => s.startsWith(`${ns}.`));
      for (const s of subjects) {
        const url = `${config.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(s)}`;
        await fetch(url, { method: 'DELETE' }).catch(() => {});
        await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => {});
      }
      console.log(`removed namespace ${ns} (topics, groups, schema ${target}, registry subjects)`);
    } else {
      console.log(`kept namespace ${ns} and schema ${target}`);
    }
    await admin.disconnect();
    redis.disconnect();
    await pool.end();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
