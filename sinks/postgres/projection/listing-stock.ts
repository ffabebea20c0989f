import type pg from 'pg';
import type { StockPush } from '../../../topics/schemas/stock-push.js';
import type { StockTarget } from '../../../topics/schemas/stock-target.js';
import { column, ms } from './sql.js';

/**
 * One row per listing (ON CONFLICT touches a row once per statement), each part by its own rule:
 * the newest target by seq, the newest applied write by (seq, time), the newest read-back that
 * agreed by time, the newest call of any kind by time. On a tie the first in the log wins, in the
 * batch as in the table, so the rows depend only on the log.
 */
export interface ListingStockRow {
  key: string;
  channel: string;
  shopId: string;
  target?: { value: number; seq: number; hubSold: number; sellOut: boolean; at: number };
  pushed?: { quantity: number; seq: number; at: number };
  confirmed?: { quantity: number; at: number };
  result?: { result: string; reason: string | null; at: number };
}

/** What the platform was told by an applied write: SET / CAS the quantity, INCREMENT the target it moved the listing to. */
export const toldQuantity = (p: StockPush): number => (p.write === 'INCREMENT' ? p.target : p.quantity);

export function listingStockRows(targets: readonly StockTarget[], pushes: readonly StockPush[]): ListingStockRow[] {
  const rows = new Map<string, ListingStockRow>();
  const row = (key: string, channel: string, shopId: string) => {
    let r = rows.get(key);
    if (!r) {
      r = { key, channel, shopId };
      rows.set(key, r);
    }
    return r;
  };
  for (const t of targets) {
    const r = row(t.listingKey, t.channel, t.shopId);
    if (!r.target || t.seq > r.target.seq) r.target = { value: t.target, seq: t.seq, hubSold: t.hubSold, sellOut: t.sellOut, at: t.computedAt };
  }
  for (const p of pushes) {
    const r = row(p.listingKey, p.channel, p.shopId);
    if (p.result === 'APPLIED' && p.write !== 'READ') {
      if (!r.pushed || p.seq > r.pushed.seq || (p.seq === r.pushed.seq && p.at > r.pushed.at)) r.pushed = { quantity: toldQuantity(p), seq: p.seq, at: p.at };
    }
    if (p.result === 'CONFIRMED' && (!r.confirmed || p.at > r.confirmed.at)) r.confirmed = { quantity: p.quantity, at: p.at };
    if (!r.result || p.at > r.result.at) r.result = { result: p.result, reason: p.reason, at: p.at };
  }
  // Sorted: concurrent writers lock listing rows in one order, so they cannot deadlock.
  return [...rows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const NEWER_TARGET = '(excluded.target_seq is not null and (listing_stock.target_seq is null or excluded.target_seq > listing_stock.target_seq))';
const NEWER_PUSH =
  '(excluded.pushed_seq is not null and (listing_stock.pushed_seq is null or (excluded.pushed_seq, excluded.pushed_at) > (listing_stock.pushed_seq, listing_stock.pushed_at)))';
const NEWER_CONFIRM = '(excluded.confirmed_at is not null and (listing_stock.confirmed_at is null or excluded.confirmed_at > listing_stock.confirmed_at))';
const NEWER_RESULT =
  '(excluded.last_result_at is not null and (listing_stock.last_result_at is null or excluded.last_result_at > listing_stock.last_result_at))';
const when = (cond: string, columns: string[]) => columns.map((c) => `${c} = case when ${cond} then excluded.${c} else listing_stock.${c} end`);

async function upsertListingStock(client: pg.ClientBase, schema: string, rows: ListingStockRow[]): Promise<void> {
  if (rows.length === 0) return;
  const c = <T>(f: (r: ListingStockRow) => T) => column(rows, f);
  await client.query(
    `insert into ${schema}.listing_stock (listing_key, channel, shop_id, target, target_seq, hub_sold, sell_out, target_at,
       last_pushed, pushed_seq, pushed_at, last_confirmed, confirmed_at, last_result, last_reason, last_result_at)
     select k, ch, s, t, ts, hs, so, ${ms('ta')}, lp, ps, ${ms('pa')}, lc, ${ms('ca')}, lr, rr, ${ms('ra')}
     from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::boolean[], $8::bigint[],
                 $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::text[], $15::text[], $16::bigint[])
          as u(k, ch, s, t, ts, hs, so, ta, lp, ps, pa, lc, ca, lr, rr, ra)
     on conflict (listing_key) do update set
       ${[
         ...when(NEWER_TARGET, ['target', 'target_seq', 'hub_sold', 'sell_out', 'target_at']),
         ...when(NEWER_PUSH, ['last_pushed', 'pushed_seq', 'pushed_at']),
         ...when(NEWER_CONFIRM, ['last_confirmed', 'confirmed_at']),
         ...when(NEWER_RESULT, ['last_result', 'last_reason', 'last_result_at']),
       ].join(',\n       ')}
     where ${NEWER_TARGET} or ${NEWER_PUSH} or ${NEWER_CONFIRM} or ${NEWER_RESULT}`,
    [
      c((r) => r.key),
      c((r) => r.channel),
      c((r) => r.shopId),
      c((r) => r.target?.value ?? null),
      c((r) => r.target?.seq ?? null),
      c((r) => r.target?.hubSold ?? null),
      c((r) => r.target?.sellOut ?? null),
      c((r) => r.target?.at ?? null),
      c((r) => r.pushed?.quantity ?? null),
      c((r) => r.pushed?.seq ?? null),
      c((r) => r.pushed?.at ?? null),
      c((r) => r.confirmed?.quantity ?? null),
      c((r) => r.confirmed?.at ?? null),
      c((r) => r.result?.result ?? null),
      c((r) => r.result?.reason ?? null),
      c((r) => r.result?.at ?? null),
    ],
  );
}

/** Every call kept once (by push id: a redelivered push changes nothing). */
async function insertPushes(client: pg.ClientBase, schema: string, pushes: readonly StockPush[]): Promise<void> {
  if (pushes.length === 0) return;
  const c = <T>(f: (p: StockPush) => T) => column(pushes, f);
  await client.query(
    `insert into ${schema}.stock_pushes (push_id, listing_key, channel, shop_id, seq, target, write, quantity, result, reason, attempt, latency_ms, at)
     select i, k, ch, s, sq, t, w, q, r, rr, a, l, ${ms('at')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], $9::text[], $10::text[],
                 $11::int[], $12::bigint[], $13::bigint[])
          as u(i, k, ch, s, sq, t, w, q, r, rr, a, l, at)
     on conflict (push_id) do nothing`,
    [
      c((p) => p.pushId),
      c((p) => p.listingKey),
      c((p) => p.channel),
      c((p) => p.shopId),
      c((p) => p.seq),
      c((p) => p.target),
      c((p) => p.write),
      c((p) => p.quantity),
      c((p) => p.result),
      c((p) => p.reason),
      c((p) => p.attempt),
      c((p) => p.latencyMs),
      c((p) => p.at),
    ],
  );
}

/** Targets and pushes: the per-listing summary first (one statement, one lock order), then the call history. */
export async function writeListingStock(client: pg.ClientBase, schema: string, targets: readonly StockTarget[], pushes: readonly StockPush[]): Promise<void> {
  await upsertListingStock(client, schema, listingStockRows(targets, pushes));
  await insertPushes(client, schema, pushes);
}
