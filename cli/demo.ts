import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import { makeShopifyOrder, shopifyPush, withCancellation, withStatus } from '../connectors/shopify/simulator.js';
import type { Config } from '../lib/config.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import type { Logger } from '../lib/logger.js';
import { startPipeline } from '../lib/pipeline.js';
import { publish } from '../lib/publish.js';
import { resetNamespace } from '../lib/reset.js';
import { Redis } from 'ioredis';
import pg from 'pg';

export interface DemoOptions {
  /** Start from nothing: remove the demo namespace's topics, groups, Redis keys and tables first. */
  reset: boolean;
  orders: number;
  hotStock: number;
  concurrency: number;
}

const HOT = 'SNEAKER-AIR-42';
const COLD = ['TEE-BASIC-M', 'CAP-LOGO', 'SOCKS-3PACK'];
const SHOPS = [
  { shopId: 'brand-a.myshopify.com', brand: 'Brand A' },
  { shopId: 'brand-b.myshopify.com', brand: 'Brand B' },
];
const PROVINCES = [{ name: 'Zhejiang', code: 'ZJ', city: 'Hangzhou' }, { name: 'Guangdong', code: 'GD', city: 'Shenzhen' }, { name: 'Beijing', code: 'BJ', city: 'Beijing' }];
const SALE_START = Date.parse('2026-11-11T00:00:00+08:00');

/**
 * The main job: a small flash sale on the local stack. Starts missing services, runs the whole
 * pipeline in this process, pushes signed orders from the Shopify channel simulator (two shops,
 * with redeliveries, cancellations and one forgery), and prints what Postgres then holds.
 * Every id is fixed, so a second run is recognised as redelivery and changes nothing.
 */
export async function runDemo(config: Config, log: Logger, opts: DemoOptions): Promise<void> {
  step('starting the local stack (Kafka, schema registry, Redis, Postgres) if needed');
  const up = spawnSync('bash', [new URL('../stack/up.sh', import.meta.url).pathname], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) throw new Error('stack/up.sh failed; see the lines above');

  if (opts.reset) {
    step(`removing everything in namespace "${config.OMNISTREAM_NAMESPACE}" first`);
    const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream-demo', log);
    const admin = kafka.admin();
    await admin.connect();
    const redis = new Redis(config.REDIS_URL);
    const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
    try {
      await resetNamespace(admin, redis, pool, config.OMNISTREAM_NAMESPACE, config.OMNISTREAM_PG_SCHEMA);
    } finally {
      await admin.disconnect();
      redis.disconnect();
      await pool.end();
    }
  }

  // Secrets are made per run and live only in this process: the simulator signs with them.
  const shops = SHOPS.map((s) => ({ channel: 'shopify', ...s, secret: randomBytes(24).toString('hex') }));
  step(`starting the pipeline (namespace "${config.OMNISTREAM_NAMESPACE}", Postgres schema "${config.OMNISTREAM_PG_SCHEMA}")`);
  const pipeline = await startPipeline(config, log, { shops: new ShopDirectory(shops) });
  try {
    step(`counting stock into ${config.OMNISTREAM_WAREHOUSES[0]}: ${HOT} × ${opts.hotStock}, ${COLD.join(', ')} × 500 each`);
    const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream-demo', log);
    const producer = createDurableProducer(kafka);
    await producer.connect();
    const warehouse = config.OMNISTREAM_WAREHOUSES[0]!;
    await publish(producer, pipeline.serde, config.OMNISTREAM_NAMESPACE, 'stockMovements', [HOT, ...COLD].map((sku) => ({
      key: sku, value: { movementId: `demo-count-${sku}-${warehouse}`, kind: 'COUNT' as const, sku, warehouse, quantity: sku === HOT ? opts.hotStock : 500, occurredAt: SALE_START },
    })));
    await producer.disconnect();

    step(`flash sale: ${opts.orders} orders from ${shops.length} Shopify shops (simulator), ${opts.concurrency} at a time`);
    const pushes = buildPushes(opts.orders, shops);
    const outcomes = new Map<string, number>();
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: opts.concurrency }, async () => {
      while (next < pushes.length) {
        const p = pushes[next++]!;
        const res = await fetch(`${pipeline.url}/webhooks/shopify/${p.shopId}`, { method: 'POST', headers: p.headers, body: p.body });
        const body = (await res.json()) as { outcome?: string };
        const key = `${res.status} ${body.outcome ?? 'rejected'}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    step(`${pushes.length} pushes in ${seconds.toFixed(2)} s; waiting for the processor and the sink to catch up`);
    await pipeline.drain(120_000);
    // The sale is dated in the past, so unpaid locks are already due; release them now, not at the next tick.
    await pipeline.expireDue();
    await pipeline.drain(120_000);
    await printSummary(pipeline.pool, config.OMNISTREAM_PG_SCHEMA, outcomes, HOT);
  } finally {
    await pipeline.stop();
  }
}

interface Push { shopId: string; headers: Record<string, string>; body: string }

/** Deterministic mix: mostly paid, some left unpaid, some cancelled, ~10% redelivered, one forged. */
function buildPushes(count: number, shops: { shopId: string; secret: string }[]): Push[] {
  const pushes: Push[] = [];
  const redeliveries: Push[] = [];
  for (let i = 1; i <= count; i++) {
    const shop = shops[i % shops.length]!;
    const region = PROVINCES[i % PROVINCES.length]!;
    const createdAt = new Date(SALE_START + i * 10);
    const lines = [{ sku: HOT, quantity: 1 + (i % 2), price: '899.00' }, ...(i % 3 === 0 ? [{ sku: COLD[i % COLD.length]!, quantity: 1, price: '59.00' }] : [])];
    const created = makeShopifyOrder({ id: 900_000 + i, lines, createdAt, province: { name: region.name, code: region.code }, city: region.city, countryCode: 'CN', currency: 'CNY' });
    const send = (order: typeof created, topic: Parameters<typeof shopifyPush>[1]) =>
      pushes.push({ shopId: shop.shopId, ...shopifyPush(order, topic, shop.secret, shop.shopId) });
    send(created, 'orders/create');
    if (i % 10 === 0) redeliveries.push(pushes.at(-1)!); // the platform redelivers later
    if (i % 7 === 0) send(withCancellation(created, new Date(createdAt.getTime() + 30_000)), 'orders/cancelled');
    else if (i % 5 !== 0) send(withStatus(created, 'paid', null, new Date(createdAt.getTime() + 20_000)), 'orders/paid');
  }
  pushes.push(...redeliveries);
  const forged = pushes[0]!;
  pushes.push({ ...forged, body: forged.body.replace('"quantity":2', '"quantity":1') + ' ' });
  return pushes;
}

async function printSummary(pool: import('pg').Pool, schema: string, outcomes: Map<string, number>, hot: string): Promise<void> {
  const q = async <T>(sql: string) => (await pool.query(sql)).rows as T[];
  const byStatus = await q<{ status: string; n: number }>(`select status, count(*)::int n from ${schema}.orders group by status order by status`);
  const [totals] = await q<{ orders: number; shops: number }>(`select count(*)::int orders, count(distinct shop_id)::int shops from ${schema}.orders`);
  const decisions = await q<{ kind: string; orders: number; units: number }>(
    `select kind, count(distinct order_key)::int orders, coalesce(sum(quantity), 0)::int units from ${schema}.inventory_decisions where order_key is not null and kind <> 'LOW_STOCK' group by kind order by kind`);
  const [expired] = await q<{ n: number }>(`select count(*)::int n from ${schema}.orders where channel_status = 'hub:unpaid-timeout'`);
  const alerts = await q<{ sku: string; warehouse: string; reason: string }>(`select sku, warehouse, reason from ${schema}.inventory_decisions where kind = 'LOW_STOCK' order by occurred_at, sku`);
  const stock = await q<{ sku: string; warehouse: string; physical: string; locked: string; reserved: string; safety: string; available: string }>(
    `select sku, warehouse, physical, locked, reserved, safety, available from ${schema}.stock_levels order by sku <> '${hot}', sku`);
  const [oversold] = await q<{ n: number }>(`select count(*)::int n from ${schema}.stock_levels where available < 0 or locked < 0 or reserved < 0`);
  const reasons = await q<{ reason: string; n: number }>(
    `select reason, count(distinct order_key)::int n from ${schema}.inventory_decisions where kind = 'REJECTED' group by reason order by n desc limit 3`);

  const out: string[] = ['', '=== omnistream demo: summary (read back from Postgres) ==='];
  out.push(`webhook answers:   ${[...outcomes.entries()].sort().map(([k, n]) => `${k} × ${n}`).join(', ')}`);
  out.push('                   (401: the forged push; 503: a redelivery that raced its original; the platform retries it)');
  out.push(`orders ingested:   ${totals?.orders ?? 0} from ${totals?.shops ?? 0} shops  (${byStatus.map((r) => `${r.status} ${r.n}`).join(', ')})`);
  out.push(`unpaid timeouts:   ${expired?.n ?? 0} orders unpaid after 30 minutes: stock released, cancelled by the hub`);
  out.push(`stock decisions:   ${decisions.map((d) => `${d.kind} ${d.orders} orders / ${d.units} units`).join(', ')}`);
  const hotRow = stock.find((s) => s.sku === hot);
  if (hotRow) out.push(`reserved units:    ${hotRow.reserved} reserved + ${hotRow.locked} locked of ${hot} (paid / awaiting payment)`);
  out.push('stock left:');
  for (const s of stock) out.push(`  ${s.sku.padEnd(16)} @ ${s.warehouse}: physical ${s.physical}, locked ${s.locked}, reserved ${s.reserved}, safety ${s.safety}, available ${s.available}`);
  out.push(`oversold SKUs:     ${oversold?.n ?? 0}`);
  for (const a of alerts) out.push(`low-stock alert:   ${a.sku} @ ${a.warehouse}: ${a.reason}`);
  for (const r of reasons) out.push(`rejected because:  ${r.reason}  (${r.n} orders)`);
  out.push(`tables: ${schema}.orders, order_lines, order_timeline, stock_levels, inventory_decisions`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function step(message: string): void {
  process.stdout.write(`» ${message}\n`);
}
