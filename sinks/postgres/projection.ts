import type pg from 'pg';
import type { InventoryEvent } from '../../topics/schemas/inventory-event.js';
import { STATUS_RANK, type OrderEvent } from '../../topics/schemas/order-event.js';

/**
 * Writes a batch of events into the projection tables in one transaction, as multi-row upserts.
 * Idempotent: replaying any prefix of the log again leaves the tables as they are, because
 * orders only move to a higher (rank, time), stock only to a higher version, and history rows
 * are keyed by event id.
 */
export async function writeProjection(client: pg.ClientBase, schema: string, orders: OrderEvent[], inventory: InventoryEvent[]): Promise<void> {
  await client.query('begin');
  try {
    await upsertOrders(client, schema, orders);
    await appendTimeline(client, schema, orders, inventory);
    await upsertStock(client, schema, inventory);
    await appendDecisions(client, schema, inventory);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  }
}

const ms = (column: string) => `to_timestamp(${column}::double precision / 1000)`;

/** ON CONFLICT may touch a row once per statement: keep only each order's furthest event. */
function furthestPerOrder(events: OrderEvent[]): OrderEvent[] {
  const best = new Map<string, OrderEvent>();
  for (const e of events) {
    const cur = best.get(e.orderKey);
    if (!cur || STATUS_RANK[e.status] > STATUS_RANK[cur.status] || (STATUS_RANK[e.status] === STATUS_RANK[cur.status] && e.occurredAt > cur.occurredAt)) {
      best.set(e.orderKey, e);
    }
  }
  return [...best.values()];
}

async function upsertOrders(client: pg.ClientBase, schema: string, events: OrderEvent[]): Promise<void> {
  const rows = furthestPerOrder(events);
  if (rows.length === 0) return;
  const col = <T>(f: (e: OrderEvent) => T) => rows.map(f);
  await client.query(
    `insert into ${schema}.orders (order_key, channel, shop_id, brand, channel_order_id, status, status_rank, channel_status,
       currency, total_minor, buyer_country, buyer_province, buyer_city, presale, occurred_at, first_seen_at, last_event_id)
     select k, c, s, b, co, st, r, cs, cur, t, bco, bp, bc, ps, ${ms('oa')}, ${ms('ra')}, ev
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[], $8::text[],
                 $9::text[], $10::bigint[], $11::text[], $12::text[], $13::boolean[], $14::bigint[], $15::bigint[], $16::text[], $17::text[])
          as u(k, c, s, b, co, st, r, cs, cur, t, bp, bc, ps, oa, ra, ev, bco)
     on conflict (order_key) do update set
       status = excluded.status, status_rank = excluded.status_rank, channel_status = excluded.channel_status,
       currency = excluded.currency, total_minor = excluded.total_minor, buyer_country = excluded.buyer_country, buyer_province = excluded.buyer_province,
       buyer_city = excluded.buyer_city, presale = excluded.presale, occurred_at = excluded.occurred_at,
       last_event_id = excluded.last_event_id
     where (excluded.status_rank, excluded.occurred_at) > (orders.status_rank, orders.occurred_at)`,
    [col((e) => e.orderKey), col((e) => e.channel), col((e) => e.shopId), col((e) => e.brand), col((e) => e.channelOrderId),
      col((e) => e.status), col((e) => STATUS_RANK[e.status]), col((e) => e.channelStatus), col((e) => e.currency),
      col((e) => e.totalMinor), col((e) => e.buyerProvince), col((e) => e.buyerCity), col((e) => e.presale),
      col((e) => e.occurredAt), col((e) => e.receivedAt), col((e) => e.eventId), col((e) => e.buyerCountry)],
  );
  const lines = rows.flatMap((e) => e.lines.map((l) => ({ key: e.orderKey, ...l })));
  const merged = new Map<string, (typeof lines)[number]>();
  for (const l of lines) {
    const prev = merged.get(`${l.key}\u0000${l.sku}`);
    merged.set(`${l.key}\u0000${l.sku}`, prev ? { ...l, quantity: prev.quantity + l.quantity } : l);
  }
  const ls = [...merged.values()];
  if (ls.length === 0) return;
  await client.query(
    `insert into ${schema}.order_lines (order_key, sku, quantity, unit_price_minor)
     select * from unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
     on conflict (order_key, sku) do update set quantity = excluded.quantity, unit_price_minor = excluded.unit_price_minor`,
    [ls.map((l) => l.key), ls.map((l) => l.sku), ls.map((l) => l.quantity), ls.map((l) => l.unitPriceMinor)],
  );
}

async function appendTimeline(client: pg.ClientBase, schema: string, orders: OrderEvent[], inventory: InventoryEvent[]): Promise<void> {
  const rows = [
    ...orders.map((e) => ({ id: e.eventId, key: e.orderKey, source: `channel:${e.channel}`, status: e.status, detail: e.channelStatus, at: e.occurredAt })),
    ...inventory.filter((d) => d.orderKey !== null).map((d) => ({
      id: d.eventId, key: d.orderKey as string, source: 'processor:inventory', status: d.kind,
      detail: d.reason ?? `${d.sku} × ${d.quantity} @ ${d.warehouse}`, at: d.occurredAt,
    })),
  ];
  if (rows.length === 0) return;
  await client.query(
    `insert into ${schema}.order_timeline (event_id, order_key, source, status, detail, occurred_at)
     select i, k, s, st, d, ${ms('a')} from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) as u(i, k, s, st, d, a)
     on conflict (event_id) do nothing`,
    [rows.map((r) => r.id), rows.map((r) => r.key), rows.map((r) => r.source), rows.map((r) => r.status), rows.map((r) => r.detail), rows.map((r) => r.at)],
  );
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
    [col((d) => d.sku), col((d) => d.warehouse), col((d) => d.physical), col((d) => d.locked), col((d) => d.reserved),
      col((d) => d.safety), col((d) => d.available), col((d) => d.version), col((d) => d.occurredAt)],
  );
}

async function appendDecisions(client: pg.ClientBase, schema: string, inventory: InventoryEvent[]): Promise<void> {
  if (inventory.length === 0) return;
  const col = <T>(f: (e: InventoryEvent) => T) => inventory.map(f);
  await client.query(
    `insert into ${schema}.inventory_decisions (event_id, kind, order_key, sku, warehouse, quantity, reason, occurred_at)
     select i, k, o, s, w, q, r, ${ms('t')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[]) as u(i, k, o, s, w, q, r, t)
     on conflict (event_id) do nothing`,
    [col((d) => d.eventId), col((d) => d.kind), col((d) => d.orderKey), col((d) => d.sku), col((d) => d.warehouse),
      col((d) => d.quantity), col((d) => d.reason), col((d) => d.occurredAt)],
  );
}
