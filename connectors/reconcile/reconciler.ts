import type pg from 'pg';
import { type OrderEvent, STATUS_RANK } from '../../topics/schemas/order-event.js';
import { type AnyChannelConnector, type InboundPush, type ShopConfig, withDetailMarked } from '../contract.js';
import type { IngestResult, PushIngestor } from '../gateway/ingest.js';

/*
 * Reconciliation: ask each channel's order query API (connector.pull) for the orders modified in a
 * window, compare every order with what the hub's projection (Postgres `orders`) holds, and feed
 * each payload through the normal ingest path (normalize → dedupe → Kafka) as trusted data.
 *
 * The comparison is made BEFORE ingesting, against the projection as it stood when the order was
 * first met in this run, so the report says what the hub had missed, not what it has now:
 *   missing  the hub has no row for the order;
 *   newer    the channel is further along (higher status rank, or the same rank later);
 *   same     the hub has the same status at the same time;
 *   older    the hub is further along than the channel's answer (a later push already arrived,
 *            or the query API lags); nothing to repair.
 * `incomplete` counts orders (any class but missing) that the hub only knows from status-only
 * pushes while the query API returned the full order: the ingest brings their contents.
 *
 * Repeats are harmless: the same channel fact has the same event id, so an order the hub already
 * has is answered `duplicate` by the gateway's dedupe (Redis, 3 days) and, past that, ignored by
 * the projection's "only move forward" upserts.
 */

export type Classification = 'missing' | 'newer' | 'same' | 'older';
export type IngestOutcome = IngestResult['outcome'];

export interface ReconcileLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface ShopReport {
  channel: string;
  shopId: string;
  /** false: the pull failed, or payloads could not be stored (see error). */
  ok: boolean;
  error?: string;
  /** Payloads the query API returned for the window. */
  pulled: number;
  /** Distinct orders, each classified once (its furthest pulled state vs. the hub before ingest). */
  orders: Record<Classification, number>;
  /** Hub had only status-only detail, the channel returned the full order. */
  incomplete: number;
  /** Payloads that do not parse or normalize (ingest rejects or dead-letters them). */
  unreadable: number;
  /** Gateway answers, one per payload. */
  ingest: Record<IngestOutcome, number>;
  /** Order keys by class (missing and newer only: what the hub had lost), at most `keyLimit` each. */
  missingKeys: string[];
  newerKeys: string[];
  durationMs: number;
}

export interface ReconcileReport {
  window: { from: Date; to: Date };
  startedAt: Date;
  finishedAt: Date;
  shops: ShopReport[];
  /** Shops not reconciled: their connector has no pull() (or is unknown). */
  skipped: { channel: string; shopId: string; reason: string }[];
  failed: number;
}

export interface ReconcileOptions {
  shops: readonly ShopConfig[];
  connectors: Readonly<Record<string, AnyChannelConnector>>;
  ingestor: Pick<PushIngestor, 'ingest'>;
  pool: pg.Pool;
  /** Postgres schema of the projection (OMNISTREAM_PG_SCHEMA). */
  schema: string;
  window: { from: Date; to: Date };
  log: ReconcileLogger;
  /** Shops reconciled at the same time (default 2). */
  concurrency?: number;
  /** Payloads looked up in Postgres per query (default 100). */
  batchSize?: number;
  /** Consecutive `unavailable` answers after which a shop's run is abandoned (default 3). */
  maxUnavailable?: number;
  /** Keys listed per class in the report (default 50). */
  keyLimit?: number;
  now?: () => number;
}

interface HubRow {
  rank: number;
  at: number;
  statusOnly: boolean;
}

interface Seen {
  rank: number;
  at: number;
  full: boolean;
  /** The hub's row when the order was first met in this run (undefined: not in the hub). */
  hub: HubRow | undefined;
}

const emptyOrders = (): Record<Classification, number> => ({ missing: 0, newer: 0, same: 0, older: 0 });
const emptyIngest = (): Record<IngestOutcome, number> => ({ accepted: 0, duplicate: 0, dead_lettered: 0, rejected: 0, unavailable: 0 });

export function classify(channel: { rank: number; at: number }, hub: { rank: number; at: number } | undefined): Classification {
  if (!hub) return 'missing';
  if (channel.rank !== hub.rank) return channel.rank > hub.rank ? 'newer' : 'older';
  if (channel.at !== hub.at) return channel.at > hub.at ? 'newer' : 'older';
  return 'same';
}

export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.schema)) throw new Error(`reconcile: schema "${opts.schema}" is not a plain SQL identifier`);
  if (!(opts.window.from.getTime() < opts.window.to.getTime())) throw new Error('reconcile: window.from must be before window.to');
  const now = opts.now ?? Date.now;
  const startedAt = new Date(now());
  const skipped: ReconcileReport['skipped'] = [];
  const work: { shop: ShopConfig; connector: AnyChannelConnector }[] = [];
  for (const shop of opts.shops) {
    const connector = opts.connectors[shop.channel];
    if (!connector) skipped.push({ channel: shop.channel, shopId: shop.shopId, reason: 'unknown channel' });
    else if (!connector.pull) skipped.push({ channel: shop.channel, shopId: shop.shopId, reason: `${shop.channel} has no query API connector (pull) yet` });
    else work.push({ shop, connector });
  }

  const shops: ShopReport[] = new Array(work.length);
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const i = next++;
      shops[i] = await reconcileShop(work[i]!.shop, work[i]!.connector, opts, now);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, work.length)) }, worker));
  const report: ReconcileReport = { window: opts.window, startedAt, finishedAt: new Date(now()), shops, skipped, failed: shops.filter((s) => !s.ok).length };
  opts.log.info(
    {
      from: opts.window.from.toISOString(),
      to: opts.window.to.toISOString(),
      shops: shops.length,
      failed: report.failed,
      skipped: skipped.length,
    },
    'reconciliation done',
  );
  return report;
}

async function reconcileShop(shop: ShopConfig, connector: AnyChannelConnector, opts: ReconcileOptions, now: () => number): Promise<ShopReport> {
  const started = now();
  const report: ShopReport = {
    channel: shop.channel,
    shopId: shop.shopId,
    ok: true,
    pulled: 0,
    orders: emptyOrders(),
    incomplete: 0,
    unreadable: 0,
    ingest: emptyIngest(),
    missingKeys: [],
    newerKeys: [],
    durationMs: 0,
  };
  const seen = new Map<string, Seen>();
  const batchSize = opts.batchSize ?? 100;
  const maxUnavailable = opts.maxUnavailable ?? 3;
  let unavailableRun = 0;
  let notStored = 0;
  let batch: { push: InboundPush; events: OrderEvent[] }[] = [];

  const flush = async () => {
    // 1. The hub's state of orders met for the first time, in one query.
    const fresh = [...new Set(batch.flatMap((b) => b.events.map((e) => e.orderKey)))].filter((k) => !seen.has(k));
    const hub = await lookup(opts.pool, opts.schema, fresh);
    for (const { events } of batch) {
      for (const e of events) {
        const rank = STATUS_RANK[e.status];
        const full = (e.detail ?? 'FULL') === 'FULL';
        const prev = seen.get(e.orderKey);
        if (!prev) seen.set(e.orderKey, { rank, at: e.occurredAt, full, hub: hub.get(e.orderKey) });
        else {
          if (classify({ rank, at: e.occurredAt }, prev) === 'newer') Object.assign(prev, { rank, at: e.occurredAt });
          prev.full ||= full;
        }
      }
    }
    // 2. Then ingest, in the order the channel returned them.
    for (const { push } of batch) {
      const result = await opts.ingestor.ingest(connector, shop, push, { trusted: true });
      report.ingest[result.outcome] += 1;
      if (result.outcome === 'unavailable') {
        notStored += 1;
        unavailableRun += 1;
        if (unavailableRun >= maxUnavailable) throw new Error(`${unavailableRun} payloads in a row not stored: ${result.reason ?? 'unavailable'}`);
      } else unavailableRun = 0;
      if (result.outcome === 'rejected') opts.log.warn({ channel: shop.channel, shopId: shop.shopId, reason: result.reason }, 'reconciled payload refused');
    }
    batch = [];
  };

  try {
    for await (const payload of connector.pull!(shop, opts.window)) {
      report.pulled += 1;
      const push = pulledPush(payload, now());
      const events = normalizedEvents(connector, shop, push);
      if (events.length === 0) report.unreadable += 1;
      batch.push({ push, events });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } catch (err) {
    report.ok = false;
    report.error = (err as Error).message;
    opts.log.warn({ channel: shop.channel, shopId: shop.shopId, error: report.error, pulled: report.pulled }, 'reconciliation of shop failed');
  }
  if (report.ok && notStored > 0) {
    report.ok = false;
    report.error = `${notStored} payload(s) could not be stored (event store unavailable); run again`;
  }

  const keyLimit = opts.keyLimit ?? 50;
  for (const [key, s] of seen) {
    const cls = classify(s, s.hub);
    report.orders[cls] += 1;
    if (s.hub?.statusOnly && s.full) report.incomplete += 1;
    if (cls === 'missing' && report.missingKeys.length < keyLimit) report.missingKeys.push(key);
    if (cls === 'newer' && report.newerKeys.length < keyLimit) report.newerKeys.push(key);
  }
  report.durationMs = now() - started;
  opts.log.info(
    {
      channel: shop.channel,
      shopId: shop.shopId,
      ok: report.ok,
      pulled: report.pulled,
      ...report.orders,
      incomplete: report.incomplete,
      ingest: report.ingest,
    },
    'shop reconciled',
  );
  return report;
}

/**
 * A payload fetched from a channel's query API, as the ingest path takes it (with
 * `{ trusted: true }`): its JSON bytes, marked as fetched by the hub. Also used by sync-back's
 * targeted pulls.
 */
export function pulledPush(payload: unknown, receivedAt: number): InboundPush {
  return { headers: { 'x-omnistream-source': 'reconcile' }, rawBody: Buffer.from(JSON.stringify(payload), 'utf8'), receivedAt };
}

/** The events the gateway will derive from this payload (same steps as PushIngestor, minus storage). */
export function normalizedEvents(connector: AnyChannelConnector, shop: ShopConfig, push: InboundPush): OrderEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(push.rawBody.toString('utf8'));
  } catch {
    return [];
  }
  const parsed = connector.payloadSchema.safeParse(json);
  if (!parsed.success) return [];
  return connector.normalize(parsed.data, shop, push).flatMap((n) => (n.ok ? [withDetailMarked(n.value)] : []));
}

async function lookup(pool: pg.Pool, schema: string, keys: string[]): Promise<Map<string, HubRow>> {
  const out = new Map<string, HubRow>();
  if (keys.length === 0) return out;
  const { rows } = await pool.query<{ order_key: string; status_rank: number; at_ms: string; detail: string }>(
    `select order_key, status_rank, round(extract(epoch from occurred_at) * 1000)::bigint as at_ms, detail
       from ${schema}.orders where order_key = any($1::text[])`,
    [keys],
  );
  for (const r of rows) out.set(r.order_key, { rank: Number(r.status_rank), at: Number(r.at_ms), statusOnly: r.detail === 'STATUS_ONLY' });
  return out;
}
