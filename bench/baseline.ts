import pg from 'pg';
import { percentile } from '../test/support/inventory-audit.js';
import { benchOrder, coldSku, HOT_SKU } from './orders.js';

export interface BaselineOptions {
  databaseUrl: string;
  schema: string;
  attempts: number;
  hotStock: number;
  coldSkus: number;
  coldStock: number;
  workers: number;
  /** Postgres synchronous_commit for the workers: 'on' (default, fsync per order) or 'off'. */
  synchronousCommit: 'on' | 'off';
  onProgress?: (done: number) => void;
}

export interface BaselineResult {
  attempts: number;
  seconds: number;
  decisionsPerSec: number;
  acceptedOrders: number;
  rejectedOrders: number;
  hotUnitsReserved: number;
  hotAvailableAfter: number;
  outcomeRows: number;
  retries: number;
  txP50Ms: number;
  txP99Ms: number;
}

/**
 * What a typical OMS does: one row per SKU with a CHECK (available >= 0); per order one
 * transaction that locks its SKU rows in SKU order (SELECT … FOR UPDATE, no deadlocks), decrements
 * them with a conditional UPDATE when every line fits (else rolls back and records a rejection), and
 * records the outcome row. A pool of `workers` connections takes orders in stream order.
 */
export async function runBaseline(o: BaselineOptions): Promise<BaselineResult> {
  const admin = new pg.Client({ connectionString: o.databaseUrl });
  await admin.connect();
  const s = o.schema;
  await admin.query(`drop schema if exists ${s} cascade; create schema ${s}`);
  await admin.query(`create table ${s}.stock (sku text primary key, available int not null check (available >= 0))`);
  await admin.query(`create table ${s}.order_outcome (order_key text primary key, status text not null, reason text, hot_qty int not null)`);
  const skus = [HOT_SKU, ...Array.from({ length: o.coldSkus }, (_, j) => coldSku(j))];
  await admin.query(`insert into ${s}.stock (sku, available) select unnest($1::text[]), unnest($2::int[])`, [
    skus,
    skus.map((k) => (k === HOT_SKU ? o.hotStock : o.coldStock)),
  ]);

  const clients = await Promise.all(
    Array.from({ length: o.workers }, async () => {
      const c = new pg.Client({ connectionString: o.databaseUrl });
      await c.connect();
      await c.query(`set synchronous_commit to ${o.synchronousCommit === 'off' ? 'off' : 'on'}`);
      return c;
    }),
  );
  const txMs = new Float64Array(o.attempts);
  let next = 0,
    accepted = 0,
    rejected = 0,
    retries = 0;
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (;;) {
        const i = next++;
        if (i >= o.attempts) return;
        const order = benchOrder(i, o.coldSkus);
        const t0 = performance.now();
        for (let attempt = 0; ; attempt++) {
          try {
            const ok = await reserveOrder(c, s, order.orderKey, order.lines, order.hotQty);
            if (ok) accepted++;
            else rejected++;
            break;
          } catch (err) {
            await c.query('rollback').catch(() => {});
            // 40001/40P01 would be serialization/deadlock; with ordered locks neither should happen.
            if (attempt < 3 && ['40001', '40P01'].includes((err as { code?: string }).code ?? '')) {
              retries++;
              continue;
            }
            throw err;
          }
        }
        txMs[i] = performance.now() - t0;
        if ((i & 1023) === 0) o.onProgress?.(i);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(clients.map((c) => c.end()));

  const held = await admin.query<{ n: string | null }>(`select sum(hot_qty) as n from ${s}.order_outcome where status = 'RESERVED'`);
  const hot = await admin.query<{ available: number }>(`select available from ${s}.stock where sku = $1`, [HOT_SKU]);
  const rows = await admin.query<{ n: string }>(`select count(*) as n from ${s}.order_outcome`);
  await admin.query(`drop schema if exists ${s} cascade`);
  await admin.end();
  txMs.sort();
  return {
    attempts: o.attempts,
    seconds,
    decisionsPerSec: o.attempts / seconds,
    acceptedOrders: accepted,
    rejectedOrders: rejected,
    hotUnitsReserved: Number(held.rows[0]?.n ?? 0),
    hotAvailableAfter: hot.rows[0]!.available,
    outcomeRows: Number(rows.rows[0]!.n),
    retries,
    txP50Ms: percentile(txMs, 50),
    txP99Ms: percentile(txMs, 99),
  };
}

async function reserveOrder(c: pg.Client, s: string, orderKey: string, lines: [string, number][], hotQty: number): Promise<boolean> {
  const skus = lines.map(([sku]) => sku); // already sorted: locks are always taken in SKU order
  const qtys = lines.map(([, q]) => q);
  await c.query('begin');
  const locked = await c.query<{ sku: string; available: number }>(
    `select sku, available from ${s}.stock where sku = any($1::text[]) order by sku for update`,
    [skus],
  );
  const have = new Map(locked.rows.map((r) => [r.sku, r.available]));
  const short = lines.filter(([sku, q]) => (have.get(sku) ?? 0) < q);
  if (short.length === 0) {
    const upd = await c.query(
      `update ${s}.stock t set available = t.available - v.q from (select unnest($1::text[]) as sku, unnest($2::int[]) as q) v
       where t.sku = v.sku and t.available >= v.q`,
      [skus, qtys],
    );
    if (upd.rowCount === lines.length) {
      await c.query(`insert into ${s}.order_outcome (order_key, status, reason, hot_qty) values ($1, 'RESERVED', null, $2)`, [orderKey, hotQty]);
      await c.query('commit');
      return true;
    }
    await c.query('rollback'); // cannot happen under the row locks; kept so the rule is "whole order or nothing"
    await c.query('begin');
  }
  const reason =
    short.length > 0
      ? `insufficient stock: ${short.map(([sku, q]) => `${sku} wants ${q}, ${Math.max(0, have.get(sku) ?? 0)} available`).join(', ')}`
      : 'conditional update lost';
  await c.query(`insert into ${s}.order_outcome (order_key, status, reason, hot_qty) values ($1, 'REJECTED', $2, $3)`, [orderKey, reason, hotQty]);
  await c.query('commit');
  return false;
}
