import type pg from 'pg';
import type { CommandOutcome } from '../../topics/schemas/command-outcome.js';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import type { FulfilmentEvent } from '../../topics/schemas/fulfilment-event.js';
import type { HubException } from '../../topics/schemas/hub-exception.js';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import type { ListingMapping } from '../../topics/schemas/listing-mapping.js';
import { type OrderEvent, STATUS_RANK } from '../../topics/schemas/order-event.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { StockPush } from '../../topics/schemas/stock-push.js';
import type { StockTarget } from '../../topics/schemas/stock-target.js';
import { divergenceTimeline, writeCommandOutcomes, writeDivergences } from './projection/divergences.js';
import { applyHubStatus, fulfilmentTimeline, hubOrderKeys, writeFulfilment } from './projection/fulfilment.js';
import { upsertHubExceptions } from './projection/hub-exceptions.js';
import { writeListingStock } from './projection/listing-stock.js';
import { upsertListings } from './projection/listings.js';
import { insertTimeline, ms, type TimelineRow } from './projection/sql.js';

/** The events of the fulfilment, divergence and stock-sync topics, besides orders and stock. */
export interface MoreEvents {
  fulfilment?: FulfilmentEvent[];
  shipments?: Shipment[];
  divergences?: DivergenceEvent[];
  outcomes?: CommandOutcome[];
  mappings?: ListingMapping[];
  targets?: StockTarget[];
  pushes?: StockPush[];
  exceptions?: HubException[];
}

/**
 * How writeProjection writes. The live sink uses the defaults; a replay into a fresh schema
 * (replay.ts) may drop the order locks and collect the history rows to load them in bulk.
 */
export interface ProjectionMode {
  /**
   * Take the order-key advisory locks (default true). Only safe to turn off when no two concurrent
   * transactions can carry events of the same order (replay.ts routes each order to one writer).
   */
  lockOrders?: boolean;
  /**
   * If set, the append-only history rows (order_timeline, inventory_decisions) are handed here, in
   * the order they would have been inserted, instead of being inserted; the caller must then write
   * them with the same rule (first row per event id wins).
   */
  history?: HistoryRows;
}

export interface HistoryRows {
  timeline(rows: TimelineRow[]): void;
  decisions(rows: InventoryEvent[]): void;
}

/**
 * Writes a batch of events into the projection tables in one transaction, as multi-row upserts.
 * Idempotent: replaying any prefix of the log again leaves the tables as they are, because
 * orders only move to a higher (rank, time, event id), stock only to a higher version, shipments
 * and listing stock by their own per-column rules, summaries are recomputed from their history, and
 * history rows are keyed by event (or push) id.
 *
 * Locking: an order row is written by its channel events and by the hub's (fulfilment) events,
 * which arrive in other partition batches, possibly in concurrent transactions; each transaction
 * first takes a transaction-scoped advisory lock per order key (sorted), so the two never miss each
 * other's rows. Shared rows (shipments, waves) are then locked in one table and key order.
 */
export async function writeProjection(
  client: pg.ClientBase,
  schema: string,
  orders: OrderEvent[],
  inventory: InventoryEvent[],
  more: MoreEvents = {},
  mode: ProjectionMode = {},
): Promise<void> {
  const fulfilment = more.fulfilment ?? [];
  const divergences = more.divergences ?? [];
  const outcomes = more.outcomes ?? [];
  const hubKeys = hubOrderKeys(fulfilment);
  await client.query('begin');
  try {
    if (mode.lockOrders ?? true) await lockOrders(client, schema, [...orders.map((e) => e.orderKey), ...hubKeys]);
    await upsertOrders(client, schema, orders);
    await writeFulfilment(client, schema, fulfilment, more.shipments ?? []);
    await applyHubStatus(client, schema, [...orders.map((e) => e.orderKey), ...hubKeys]);
    const hubTimeline = [...fulfilmentTimeline(fulfilment), ...divergenceTimeline(divergences, outcomes)];
    if (mode.history) {
      mode.history.timeline([...channelTimeline(orders, inventory), ...hubTimeline]);
      mode.history.decisions(inventory);
    } else {
      await insertTimeline(client, schema, channelTimeline(orders, inventory));
      await insertTimeline(client, schema, hubTimeline);
    }
    await upsertStock(client, schema, inventory);
    if (!mode.history) await appendDecisions(client, schema, inventory);
    await writeDivergences(client, schema, divergences);
    await writeCommandOutcomes(client, schema, outcomes);
    await upsertListings(client, schema, more.mappings ?? []);
    await writeListingStock(client, schema, more.targets ?? [], more.pushes ?? []);
    await upsertHubExceptions(client, schema, more.exceptions ?? []);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

/**
 * Transaction-scoped advisory locks over the orders' keys, in sorted order. Keys are hashed into
 * ORDER_LOCK_BUCKETS buckets, one lock each: a batch of 10,000 orders must not take 10,000 locks
 * (the server's lock table is max_locks_per_transaction × connections; a replay ran out of it).
 */
async function lockOrders(client: pg.ClientBase, schema: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await client.query(
    `select pg_advisory_xact_lock(hashtext($1), b) from (select distinct hashtext(k) & ${ORDER_LOCK_BUCKETS - 1} as b from unnest($2::text[]) as k order by 1) as s`,
    [schema, keys],
  );
}

/** A power of two; at most this many locks per transaction (a few writers stay far below the default lock table). */
const ORDER_LOCK_BUCKETS = 128;

/** Further state, or the same state later; a full tie goes to the greater event id, so the winner never depends on arrival order. */
const isFurther = (a: OrderEvent, b: OrderEvent) =>
  STATUS_RANK[a.status] > STATUS_RANK[b.status] ||
  (STATUS_RANK[a.status] === STATUS_RANK[b.status] && (a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.eventId > b.eventId)));
const isFull = (e: OrderEvent) => (e.detail ?? 'FULL') === 'FULL';

/**
 * ON CONFLICT may touch a row once per statement: per order, the first event (for what is set once:
 * identity and first_seen_at, so rows do not depend on where batches were cut), the furthest event
 * (for the status) and the newest FULL event (for the contents), if any.
 */
function furthestPerOrder(events: OrderEvent[]): { first: OrderEvent; status: OrderEvent; contents: OrderEvent | undefined }[] {
  const first = new Map<string, OrderEvent>();
  const best = new Map<string, OrderEvent>();
  const bestFull = new Map<string, OrderEvent>();
  for (const e of events) {
    if (!first.has(e.orderKey)) first.set(e.orderKey, e);
    const cur = best.get(e.orderKey);
    if (!cur || isFurther(e, cur)) best.set(e.orderKey, e);
    const full = bestFull.get(e.orderKey);
    if (isFull(e) && (!full || e.occurredAt > full.occurredAt)) bestFull.set(e.orderKey, e);
  }
  return [...best.values()].map((e) => ({ first: first.get(e.orderKey)!, status: e, contents: bestFull.get(e.orderKey) }));
}

/** The event moves the order on (further state, or the same state later; the greater event id on a full tie). */
const ADVANCES =
  '((excluded.status_rank, excluded.occurred_at, excluded.last_event_id collate "C") > (orders.status_rank, orders.occurred_at, orders.last_event_id collate "C"))';
/** The row brings newer contents than the order has. */
const FILLS = `(excluded.contents_at is not null and (orders.contents_at is null or excluded.contents_at > orders.contents_at))`;
const when = (cond: string, column: string) => `${column} = case when ${cond} then excluded.${column} else orders.${column} end`;

async function upsertOrders(client: pg.ClientBase, schema: string, events: OrderEvent[]): Promise<void> {
  const rows = furthestPerOrder(events);
  if (rows.length === 0) return;
  // Status columns from the furthest event; contents columns from the newest FULL event (or none).
  const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
  const c = <T>(f: (e: OrderEvent) => T, none: T) => col((r) => (r.contents ? f(r.contents) : none));
  await client.query(
    `insert into ${schema}.orders (order_key, channel, shop_id, brand, channel_order_id, status, status_rank, channel_status,
       occurred_at, first_seen_at, last_event_id, currency, total_minor, buyer_country, buyer_province, buyer_city, presale, detail, contents_at)
     select k, c, s, b, co, st, r, cs, ${ms('oa')}, ${ms('ra')}, ev, cur, t, bco, bp, bc, ps, dt, ${ms('ca')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[],
                 $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::bigint[], $14::text[], $15::text[], $16::text[],
                 $17::boolean[], $18::text[], $19::bigint[])
          as u(k, c, s, b, co, st, r, cs, oa, ra, ev, cur, t, bco, bp, bc, ps, dt, ca)
     on conflict (order_key) do update set
       ${['status', 'status_rank', 'channel_status', 'occurred_at', 'last_event_id'].map((x) => when(ADVANCES, x)).join(', ')},
       ${['currency', 'total_minor', 'buyer_country', 'buyer_province', 'buyer_city', 'presale', 'detail', 'contents_at'].map((x) => when(FILLS, x)).join(', ')}
     where ${ADVANCES} or ${FILLS}`,
    [
      col((r) => r.status.orderKey),
      col((r) => r.first.channel),
      col((r) => r.first.shopId),
      col((r) => r.first.brand),
      col((r) => r.first.channelOrderId),
      col((r) => r.status.status),
      col((r) => STATUS_RANK[r.status.status]),
      col((r) => r.status.channelStatus),
      col((r) => r.status.occurredAt),
      col((r) => r.first.receivedAt),
      col((r) => r.status.eventId),
      col((r) => (r.contents ?? r.first).currency),
      c((e) => e.totalMinor, 0),
      c((e) => e.buyerCountry, null),
      c((e) => e.buyerProvince, null),
      c((e) => e.buyerCity, null),
      c((e) => e.presale, false),
      c(() => 'FULL', 'STATUS_ONLY'),
      c((e) => e.occurredAt, null),
    ],
  );
  // Lines of the orders whose contents this batch made current (replaced whole: a line may go).
  const current = rows.filter((r) => r.contents).map((r) => r.contents!);
  if (current.length === 0) return;
  const fresh = await client.query<{ order_key: string }>(
    `select o.order_key from ${schema}.orders o join unnest($1::text[], $2::bigint[]) as u(k, ca)
       on o.order_key = u.k and o.contents_at = ${ms('u.ca')}`,
    [current.map((e) => e.orderKey), current.map((e) => e.occurredAt)],
  );
  const keys = new Set(fresh.rows.map((r) => r.order_key));
  const lines = current.filter((e) => keys.has(e.orderKey)).flatMap((e) => mergeLines(e).map((l) => ({ key: e.orderKey, ...l })));
  await client.query(`delete from ${schema}.order_lines where order_key = any($1::text[])`, [[...keys]]);
  if (lines.length === 0) return;
  await client.query(
    `insert into ${schema}.order_lines (order_key, sku, quantity, unit_price_minor)
     select * from unnest($1::text[], $2::text[], $3::int[], $4::bigint[])`,
    [lines.map((l) => l.key), lines.map((l) => l.sku), lines.map((l) => l.quantity), lines.map((l) => l.unitPriceMinor)],
  );
}

/** The same SKU twice in one order becomes one line. */
function mergeLines(e: OrderEvent): OrderEvent['lines'] {
  const merged = new Map<string, OrderEvent['lines'][number]>();
  for (const l of e.lines) {
    const prev = merged.get(l.sku);
    merged.set(l.sku, prev ? { ...l, quantity: prev.quantity + l.quantity } : l);
  }
  return [...merged.values()];
}

/** Timeline rows of the channel's order events and the inventory processor's decisions. */
function channelTimeline(orders: OrderEvent[], inventory: InventoryEvent[]): TimelineRow[] {
  return [
    ...orders.map((e) => ({ id: e.eventId, key: e.orderKey, source: `channel:${e.channel}`, status: e.status, detail: e.channelStatus, at: e.occurredAt })),
    ...inventory
      .filter((d) => d.orderKey !== null)
      .map((d) => ({
        id: d.eventId,
        key: d.orderKey as string,
        source: 'processor:inventory',
        status: d.kind,
        detail: d.reason ?? `${d.sku} × ${d.quantity} @ ${d.warehouse}`,
        at: d.occurredAt,
      })),
  ];
}

async function upsertStock(client: pg.ClientBase, schema: string, inventory: InventoryEvent[]): Promise<void> {
  const newest = new Map<string, InventoryEvent>();
  for (const d of inventory) {
    if (d.kind === 'REJECTED') continue; // a rejection changes no stock
    const k = `${d.sku}@${d.warehouse}`;
    if ((newest.get(k)?.version ?? -1) < d.version) newest.set(k, d);
  }
  const rows = [...newest.values()];
  if (rows.length === 0) return;
  const col = <T>(f: (e: InventoryEvent) => T) => rows.map(f);
  await client.query(
    `insert into ${schema}.stock_levels (sku, warehouse, physical, locked, reserved, safety, available, version, updated_at)
     select s, w, p, l, r, sf, a, v, ${ms('t')}
     from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[])
          as u(s, w, p, l, r, sf, a, v, t)
     on conflict (sku, warehouse) do update set physical = excluded.physical, locked = excluded.locked,
       reserved = excluded.reserved, safety = excluded.safety, available = excluded.available,
       version = excluded.version, updated_at = excluded.updated_at
     where excluded.version > stock_levels.version`,
    [
      col((d) => d.sku),
      col((d) => d.warehouse),
      col((d) => d.physical),
      col((d) => d.locked),
      col((d) => d.reserved),
      col((d) => d.safety),
      col((d) => d.available),
      col((d) => d.version),
      col((d) => d.occurredAt),
    ],
  );
}

export async function appendDecisions(client: pg.ClientBase, schema: string, inventory: InventoryEvent[]): Promise<void> {
  if (inventory.length === 0) return;
  const col = <T>(f: (e: InventoryEvent) => T) => inventory.map(f);
  await client.query(
    `insert into ${schema}.inventory_decisions (event_id, kind, order_key, sku, warehouse, quantity, reason, occurred_at)
     select i, k, o, s, w, q, r, ${ms('t')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[]) as u(i, k, o, s, w, q, r, t)
     on conflict (event_id) do nothing`,
    [
      col((d) => d.eventId),
      col((d) => d.kind),
      col((d) => d.orderKey),
      col((d) => d.sku),
      col((d) => d.warehouse),
      col((d) => d.quantity),
      col((d) => d.reason),
      col((d) => d.occurredAt),
    ],
  );
}
