import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Config } from '../app/config.js';
import { type Pipeline, startPipeline } from '../app/pipeline.js';
import { ShopDirectory } from '../connectors/gateway/shops.js';
import type { ShopifyOrder } from '../connectors/shopify/payload.js';
import { WmsDirectory } from '../connectors/wms/directory.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import type { Logger } from '../lib/logger.js';
import { publish } from '../lib/publish.js';
import { resetNamespace } from '../lib/reset.js';
import { type DivergenceReport, divergenceReport } from '../processors/divergence/report.js';
import { availableOf } from '../processors/inventory/decision.js';
import { RedisInventoryStore } from '../processors/inventory/store.js';
import { startCarrierSimulators } from '../simulators/carriers/index.js';
import { makeShopifyOrder, type ShopifySimulator, shopifyPush, startShopifySimulator, withCancellation, withStatus } from '../simulators/shopify/index.js';
import { startWmsSimulator, type WmsSimulator } from '../simulators/wms/index.js';
import { listingKeyOf } from '../topics/schemas/listing-mapping.js';

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
const PROVINCES = [
  { name: 'Zhejiang', code: 'ZJ', city: 'Hangzhou' },
  { name: 'Guangdong', code: 'GD', city: 'Shenzhen' },
  { name: 'Beijing', code: 'BJ', city: 'Beijing' },
];
const SALE_START = Date.parse('2026-11-11T00:00:00+08:00');
/** Each shop's listing (Shopify product + variant) of each SKU: the same ids in both shops' catalogues. */
const LISTINGS: Record<string, { productId: number; variantId: number }> = Object.fromEntries(
  [HOT, ...COLD].map((sku, i) => [sku, { productId: 7_100_000_000_001 + i, variantId: 41_000_000_000_001 + i }]),
);

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

  // The outside world, simulated: each Shopify shop's Admin API (order query, fulfillments), the
  // carriers' e-waybill APIs and the warehouse's WMS. Secrets are made per run and live only here.
  step('starting the simulators: two Shopify shops, four carriers (SF, ZTO, YTO, JD), the warehouse WMS');
  const token = `shpat_${randomBytes(12).toString('hex')}`;
  const shopifySims = new Map<string, ShopifySimulator>();
  for (const s of SHOPS) shopifySims.set(s.shopId, await startShopifySimulator({ accessToken: token }));
  const shops = SHOPS.map((s) => ({
    channel: 'shopify',
    ...s,
    secret: randomBytes(24).toString('hex'),
    endpoint: shopifySims.get(s.shopId)!.url,
    credentials: { accessToken: token, locationId: shopifySims.get(s.shopId)!.locationId },
  }));
  const carriers = await startCarrierSimulators();
  const warehouse = config.OMNISTREAM_WAREHOUSES[0]!.split(':')[0]!;
  const wmsSecret = randomBytes(24).toString('hex');
  let hubUrl = '';
  const wms = await startWmsSimulator({ warehouses: { [warehouse]: wmsSecret }, hubUrl: () => hubUrl });
  const stopSimulators = async () => {
    await wms.close();
    await carriers.stop();
    for (const sim of shopifySims.values()) await sim.close();
  };

  // The storefronts: each shop lists every SKU. A listing shows what the hub last pushed to it (0 on
  // a first run, when the hub pushes the opening stock) and sells only while it shows stock.
  const previous = await lastTargets(config);
  for (const s of SHOPS) {
    for (const ids of Object.values(LISTINGS)) {
      const listingKey = listingKeyOf('shopify', s.shopId, String(ids.productId), String(ids.variantId));
      shopifySims.get(s.shopId)!.listings.put(String(ids.productId), String(ids.variantId), previous.get(listingKey) ?? 0);
    }
  }

  step(`starting the pipeline (namespace "${config.OMNISTREAM_NAMESPACE}", Postgres schema "${config.OMNISTREAM_PG_SCHEMA}")`);
  // Compressed for the demo: a parcel shipped but not told to the channel counts after 5 s, not 30 min.
  const demoConfig = { ...config, OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS: 5 };
  const pipeline = await startPipeline(demoConfig, log, {
    shops: new ShopDirectory(shops),
    carriers: carriers.directory,
    wms: new WmsDirectory({ [warehouse]: { secret: wmsSecret, endpoint: wms.endpoint(warehouse) } }),
  });
  hubUrl = pipeline.url;
  const inventory = new RedisInventoryStore(pipeline.redis, config.OMNISTREAM_NAMESPACE);
  try {
    step(`counting stock into ${config.OMNISTREAM_WAREHOUSES[0]}: ${HOT} × ${opts.hotStock}, ${COLD.join(', ')} × 500 each`);
    const kafka = createKafka(config.KAFKA_BROKERS, 'omnistream-demo', log);
    const producer = createDurableProducer(kafka);
    await producer.connect();
    await publish(
      producer,
      pipeline.serde,
      config.OMNISTREAM_NAMESPACE,
      'stockMovements',
      [HOT, ...COLD].map((sku) => ({
        key: sku,
        value: {
          movementId: `demo-count-${sku}-${warehouse}`,
          kind: 'COUNT' as const,
          sku,
          warehouse,
          quantity: sku === HOT ? opts.hotStock : 500,
          occurredAt: SALE_START,
        },
      })),
    );
    await publish(
      producer,
      pipeline.serde,
      config.OMNISTREAM_NAMESPACE,
      'listingMappings',
      SHOPS.flatMap((s) =>
        Object.entries(LISTINGS).map(([sku, ids]) => {
          const listingKey = listingKeyOf('shopify', s.shopId, String(ids.productId), String(ids.variantId));
          return {
            key: listingKey,
            value: {
              listingKey,
              channel: 'shopify',
              shopId: s.shopId,
              itemId: String(ids.productId),
              skuId: String(ids.variantId),
              components: [{ sku, quantity: 1 }],
              source: 'CSV' as const,
              deleted: false,
              updatedAt: SALE_START,
            },
          };
        }),
      ),
    );
    await producer.disconnect();
    const hotListing = LISTINGS[HOT]!;
    const showing = (shopId: string) => shopifySims.get(shopId)!.listings.get(String(hotListing.productId), String(hotListing.variantId))?.quantity ?? 0;
    step('stock sync: the hub pushes each listing its stock through the Shopify Admin API');
    await waitUntil(async () => {
      const levels = await inventory.levels(HOT, warehouse);
      // The count applied (or, on a later run, listings that already show what the hub pushed before).
      const counted = levels.physical > 0 || previous.size > 0;
      return counted && SHOPS.every((s) => showing(s.shopId) === Math.max(0, availableOf(levels)));
    }, 60_000);
    for (const s of SHOPS) step(`  ${s.shopId} lists ${HOT}: shows ${showing(s.shopId)}`);

    step(`flash sale: ${opts.orders} orders from ${shops.length} Shopify shops (simulator), ${opts.concurrency} at a time`);
    const { pushes, finalStates } = buildPushes(opts.orders, shops);
    for (const [shopId, order] of finalStates) shopifySims.get(shopId)!.upsertOrder(order);
    const outcomes = new Map<string, number>();
    const refused = new Set<number>();
    let hubZeroAt: number | null = null;
    const watch = setInterval(() => {
      if (hubZeroAt !== null) return;
      void inventory.levels(HOT, warehouse).then((l) => {
        if (hubZeroAt === null && availableOf(l) <= 0) hubZeroAt = Date.now();
      });
    }, 5);
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: opts.concurrency }, async () => {
        while (next < pushes.length) {
          const p = pushes[next++]!;
          if (refused.has(p.orderId)) continue;
          // The buyer checks out at the storefront first: it sells only what the listing shows.
          if (p.buys && !p.buys.every((b) => shopifySims.get(p.shopId)!.listings.sell(String(b.productId), String(b.variantId), b.quantity))) {
            refused.add(p.orderId);
            continue;
          }
          const res = await fetch(`${pipeline.url}/webhooks/shopify/${p.shopId}`, { method: 'POST', headers: p.headers, body: p.body });
          const body = (await res.json()) as { outcome?: string };
          const key = `${res.status} ${body.outcome ?? 'rejected'}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    step(
      `${pushes.length} pushes in ${seconds.toFixed(2)} s (${refused.size} checkouts refused by the storefront: its listing showed too little); waiting for the pipeline`,
    );
    await pipeline.drain(120_000);
    clearInterval(watch);
    // The sale is dated in the past, so unpaid locks are already due; release them now, not at the next tick.
    await pipeline.expireDue();
    await pipeline.drain(120_000);
    const pusher = pipeline.components.get('stock-push') as unknown as { idle(): Promise<boolean> } | undefined;
    await waitUntil(async () => (await pusher?.idle()) ?? true, 60_000);
    printListings(shopifySims, hubZeroAt, opts.hotStock, availableOf(await inventory.levels(HOT, warehouse)));
    await printSummary(pipeline.pool, config.OMNISTREAM_PG_SCHEMA, outcomes, HOT);

    await fulfil(pipeline, config.OMNISTREAM_PG_SCHEMA, wms);
    const report = await divergenceReport(pipeline.redis, config.OMNISTREAM_NAMESPACE);
    await printFulfilment(
      pipeline.pool,
      config.OMNISTREAM_PG_SCHEMA,
      report,
      [...shopifySims.values()].reduce((n, s) => n + s.shipments.length, 0),
    );
  } finally {
    await pipeline.stop();
    await stopSimulators();
  }
}

/**
 * After the sale: every reserved order was routed and got an e-waybill on its own; now the
 * warehouse releases its waves, picks, packs and scans each parcel out. The channel still says
 * "paid", so the divergence processor asks Shopify to mark each shipped (sync-back), and waits
 * until the channel shows every parcel shipped.
 */
async function fulfil(pipeline: Pipeline, schema: string, wms: WmsSimulator): Promise<void> {
  const q = async <T>(sql: string) => (await pipeline.pool.query(sql)).rows as T[];
  step('fulfilment: waiting for every reserved order to be routed and to have its e-waybill');
  // Twice: the first drain lets routing finish, the second the waybill service behind it.
  await pipeline.drain(120_000);
  await pipeline.drain(120_000);
  await waitUntil(async () => {
    const [r] = await q<{ missing: number }>(
      `select count(*)::int missing from ${schema}.shipments where waybill_no is null and shipment_id not in (select shipment_id from ${schema}.waybill_failures)`,
    );
    return (r?.missing ?? 1) === 0;
  }, 120_000);
  step('the warehouse releases its picking waves, then picks, packs and scans every parcel out');
  await pipeline.releaseWaves(Date.now() + 24 * 3_600_000);
  const parcels = await q<{ shipment_id: string; order_key: string; warehouse: string; waybill_no: string; lines: { sku: string; quantity: number }[] }>(
    `select shipment_id, order_key, warehouse, waybill_no, lines from ${schema}.shipments where waybill_no is not null order by shipment_id`,
  );
  for (const p of parcels) {
    wms.allocate(p.warehouse, {
      shipmentId: p.shipment_id,
      orderKey: p.order_key,
      lines: (p.lines ?? []).map(({ sku, quantity }) => ({ sku, quantity })),
      waybillNo: p.waybill_no,
    });
    for (const type of ['PICKED', 'PACKED', 'SCAN_OUT'] as const) await wms.scan(p.warehouse, p.shipment_id, type);
  }
  step(`${parcels.length} parcels out; the channel still says "paid": waiting for the hub to push each shipment back to Shopify`);
  await waitUntil(async () => {
    const [r] = await q<{ open: number; total: number }>(
      `select count(*) filter (where state <> 'RESOLVED')::int open, count(*)::int total from ${schema}.divergences where type = 'SHIPPED_NOT_SYNCED'`,
    );
    return (r?.total ?? 0) >= parcels.length && r?.open === 0;
  }, 120_000);
  await pipeline.drain(120_000);
}

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`demo: gave up waiting after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function printFulfilment(pool: import('pg').Pool, schema: string, report: DivergenceReport, pushedBack: number): Promise<void> {
  const q = async <T>(sql: string) => (await pool.query(sql)).rows as T[];
  const carriers = await q<{ carrier: string; n: number }>(`select carrier, count(*)::int n from ${schema}.shipments group by carrier order by carrier`);
  const [waves] = await q<{ n: number; flagged: number }>(`select count(*)::int n, count(*) filter (where flagged)::int flagged from ${schema}.waves`);
  const [waybills] = await q<{ issued: number; failed: number }>(
    `select (select count(*)::int from ${schema}.waybills) issued, (select count(distinct shipment_id)::int from ${schema}.waybill_failures) failed`,
  );
  const byStatus = await q<{ status: string; n: number }>(`select status, count(*)::int n from ${schema}.orders group by status order by status`);
  const [stock] = await q<{ physical: string; reserved: string }>(
    `select sum(physical)::text physical, sum(reserved)::text reserved from ${schema}.stock_levels where sku = '${HOT}'`,
  );
  const out: string[] = ['', '=== fulfilment and sync (read back from Postgres and the divergence log) ==='];
  out.push(`shipments routed:  ${carriers.map((c) => `${c.carrier} ${c.n}`).join(', ')} (carrier by the rules in processors/routing/rules.default.json)`);
  out.push(`e-waybills:        ${waybills?.issued ?? 0} issued, ${waybills?.failed ?? 0} failed; a label (ZPL) per parcel on the print-queue topic`);
  out.push(`picking waves:     ${waves?.n ?? 0} released (${waves?.flagged ?? 0} catch-all, flagged)`);
  out.push(`orders now:        ${byStatus.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  out.push(`${HOT} after scan-out: physical ${stock?.physical ?? 0}, reserved ${stock?.reserved ?? 0}`);
  out.push(`pushed to Shopify: ${pushedBack} shipments (fulfillments with carrier and tracking number)`);
  for (const [type, r] of Object.entries(report.byType)) {
    if (r.opened === 0) continue;
    out.push(`divergence ${type}: ${r.opened} opened, ${r.resolved} resolved, ${r.open} open; time to converge p50 ${fmtMs(r.p50Ms)}, p99 ${fmtMs(r.p99Ms)}`);
  }
  const open = await q<{ order_key: string; type: string; state: string; channel_view: string | null; hub_view: string | null; action: string | null }>(
    `select order_key, type, state, channel_view, hub_view, action from ${schema}.divergences where state <> 'RESOLVED' order by since limit 5`,
  );
  for (const d of open) {
    out.push(
      `still ${d.state.toLowerCase()}:    ${d.order_key} ${d.type}: channel ${d.channel_view ?? '-'}, hub ${d.hub_view ?? 'nothing'}${d.action ? `, asked ${d.action}` : ''}`,
    );
  }
  if (open.some((d) => d.type === 'PAID_NOT_SEEN')) {
    out.push('                   (the sale is dated in the past, so an unpaid lock is due at once: when the timer releases it');
    out.push('                    before the "paid" push is processed, the hub has cancelled an order the buyer paid — found here)');
  }
  out.push(`tables: ${schema}.shipments, waves, waybills, divergences, commands; list open divergences: npm run omnistream -- divergences`);
  process.stdout.write(`${out.join('\n')}\n`);
}

const fmtMs = (ms: number | null) => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

interface Push {
  shopId: string;
  /** The demo order it belongs to: once its checkout was refused, none of its pushes are sent. */
  orderId: number;
  /** The order's checkout: what the buyer takes off the shop's listings (the create push only). */
  buys?: { productId: number; variantId: number; quantity: number }[];
  headers: Record<string, string>;
  body: string;
}

/**
 * What each listing showed at the end of an earlier run: a simulator forgets, the platform would
 * not. The hub's last target stands for it (the platform gives cancelled units back, as the
 * increments the hub sent assume), so a second run starts where the first ended.
 */
async function lastTargets(config: Config): Promise<Map<string, number>> {
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL });
  try {
    const { rows } = await pool.query<{ listing_key: string; target: string }>(
      `select listing_key, target from ${config.OMNISTREAM_PG_SCHEMA}.listing_stock where target is not null`,
    );
    return new Map(rows.map((r) => [r.listing_key, Number(r.target)]));
  } catch {
    return new Map(); // first run: no table yet
  } finally {
    await pool.end();
  }
}

/** Each shop's listing of the hot SKU: what it sold, what it shows, and when it reached 0 after the hub's stock did. */
function printListings(sims: Map<string, ShopifySimulator>, hubZeroAt: number | null, hotStock: number, available: number): void {
  const ids = LISTINGS[HOT]!;
  const out = [
    '',
    `=== stock sync: each shop's ${HOT} listing (${hotStock} units counted in; ${available} available after the sale and the unpaid timeouts) ===`,
  ];
  for (const [shopId, sim] of sims) {
    const listing = sim.listings.get(String(ids.productId), String(ids.variantId));
    const key = `${ids.productId}/${ids.variantId}`;
    const history = sim.listings.changes.filter((c) => c.key === key);
    // When it first showed 0 once the hub had none left (0 ms if it already did).
    const before = history.filter((c) => hubZeroAt !== null && c.at <= hubZeroAt).at(-1);
    const zeroAt = before?.quantity === 0 ? hubZeroAt! : history.find((c) => hubZeroAt !== null && c.at > hubZeroAt && c.quantity === 0)?.at;
    const when =
      hubZeroAt === null
        ? 'the hub never sold out'
        : zeroAt === undefined
          ? 'still showing stock'
          : `showed 0 ${Math.max(0, zeroAt - hubZeroAt)} ms after the hub's available stock reached 0${(listing?.quantity ?? 0) > 0 ? ' (stock released by cancellations and unpaid timeouts since)' : ''}`;
    out.push(`  ${shopId.padEnd(24)} sold ${listing?.sold ?? 0}, shows ${listing?.quantity ?? 0}: ${when}`);
  }
  out.push('  (listing_stock and stock_pushes in Postgres hold every target, push and read-back: npm run omnistream -- listings status)');
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Deterministic mix: mostly paid, some left unpaid, some cancelled, ~10% redelivered, one forged. */
function buildPushes(count: number, shops: { shopId: string; secret: string }[]): { pushes: Push[]; finalStates: [string, ShopifyOrder][] } {
  const pushes: Push[] = [];
  const finalStates: [string, ShopifyOrder][] = [];
  const redeliveries: Push[] = [];
  for (let i = 1; i <= count; i++) {
    const shop = shops[i % shops.length]!;
    const region = PROVINCES[i % PROVINCES.length]!;
    const createdAt = new Date(SALE_START + i * 10);
    const lines = [
      { sku: HOT, quantity: 1 + (i % 2), price: '899.00', ...LISTINGS[HOT]! },
      ...(i % 3 === 0 ? [{ sku: COLD[i % COLD.length]!, quantity: 1, price: '59.00', ...LISTINGS[COLD[i % COLD.length]!]! }] : []),
    ];
    const created = makeShopifyOrder({
      id: 900_000 + i,
      lines,
      createdAt,
      province: { name: region.name, code: region.code },
      city: region.city,
      countryCode: 'CN',
      currency: 'CNY',
    });
    const send = (order: typeof created, topic: Parameters<typeof shopifyPush>[1]) =>
      pushes.push({
        shopId: shop.shopId,
        orderId: i,
        ...(topic === 'orders/create' ? { buys: lines.map((l) => ({ productId: l.productId, variantId: l.variantId, quantity: l.quantity })) } : {}),
        ...shopifyPush(order, topic, shop.secret, shop.shopId),
      });
    send(created, 'orders/create');
    if (i % 10 === 0) redeliveries.push({ ...pushes.at(-1)!, buys: undefined }); // the platform redelivers later
    let last = created;
    if (i % 7 === 0) {
      last = withCancellation(created, new Date(createdAt.getTime() + 30_000));
      send(last, 'orders/cancelled');
    } else if (i % 5 !== 0) {
      last = withStatus(created, 'paid', null, new Date(createdAt.getTime() + 20_000));
      send(last, 'orders/paid');
    }
    finalStates.push([shop.shopId, last]); // what the shop's Admin API answers for this order
  }
  pushes.push(...redeliveries);
  const forged = pushes[0]!;
  pushes.push({ ...forged, body: `${forged.body.replace('"quantity":2', '"quantity":1')} ` });
  return { pushes, finalStates };
}

async function printSummary(pool: import('pg').Pool, schema: string, outcomes: Map<string, number>, hot: string): Promise<void> {
  const q = async <T>(sql: string) => (await pool.query(sql)).rows as T[];
  const byStatus = await q<{ status: string; n: number }>(`select status, count(*)::int n from ${schema}.orders group by status order by status`);
  const [totals] = await q<{ orders: number; shops: number }>(`select count(*)::int orders, count(distinct shop_id)::int shops from ${schema}.orders`);
  const decisions = await q<{ kind: string; orders: number; units: number }>(
    `select kind, count(distinct order_key)::int orders, coalesce(sum(quantity), 0)::int units from ${schema}.inventory_decisions where order_key is not null and kind <> 'LOW_STOCK' group by kind order by kind`,
  );
  const [expired] = await q<{ n: number }>(`select count(*)::int n from ${schema}.orders where channel_status = 'hub:unpaid-timeout'`);
  const alerts = await q<{ sku: string; warehouse: string; reason: string }>(
    `select sku, warehouse, reason from ${schema}.inventory_decisions where kind = 'LOW_STOCK' order by occurred_at, sku`,
  );
  const stock = await q<{ sku: string; warehouse: string; physical: string; locked: string; reserved: string; safety: string; available: string }>(
    `select sku, warehouse, physical, locked, reserved, safety, available from ${schema}.stock_levels order by sku <> '${hot}', sku`,
  );
  const [oversold] = await q<{ n: number }>(`select count(*)::int n from ${schema}.stock_levels where available < 0 or locked < 0 or reserved < 0`);
  const reasons = await q<{ reason: string; n: number }>(
    `select reason, count(distinct order_key)::int n from ${schema}.inventory_decisions where kind = 'REJECTED' group by reason order by n desc limit 3`,
  );

  const out: string[] = ['', '=== omnistream demo: summary (read back from Postgres) ==='];
  out.push(
    `webhook answers:   ${[...outcomes.entries()]
      .sort()
      .map(([k, n]) => `${k} × ${n}`)
      .join(', ')}`,
  );
  out.push('                   (401: the forged push; 503: a redelivery that raced its original; the platform retries it)');
  out.push(`orders ingested:   ${totals?.orders ?? 0} from ${totals?.shops ?? 0} shops  (${byStatus.map((r) => `${r.status} ${r.n}`).join(', ')})`);
  out.push(`unpaid timeouts:   ${expired?.n ?? 0} orders unpaid after 30 minutes: stock released, cancelled by the hub`);
  out.push(`stock decisions:   ${decisions.map((d) => `${d.kind} ${d.orders} orders / ${d.units} units`).join(', ')}`);
  const hotRow = stock.find((s) => s.sku === hot);
  if (hotRow) out.push(`reserved units:    ${hotRow.reserved} reserved + ${hotRow.locked} locked of ${hot} (paid / awaiting payment)`);
  out.push('stock left:');
  for (const s of stock)
    out.push(
      `  ${s.sku.padEnd(16)} @ ${s.warehouse}: physical ${s.physical}, locked ${s.locked}, reserved ${s.reserved}, safety ${s.safety}, available ${s.available}`,
    );
  out.push(`oversold SKUs:     ${oversold?.n ?? 0}`);
  for (const a of alerts) out.push(`low-stock alert:   ${a.sku} @ ${a.warehouse}: ${a.reason}`);
  for (const r of reasons) out.push(`rejected because:  ${r.reason}  (${r.n} orders)`);
  out.push(`tables: ${schema}.orders, order_lines, order_timeline, stock_levels, inventory_decisions`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function step(message: string): void {
  process.stdout.write(`» ${message}\n`);
}
