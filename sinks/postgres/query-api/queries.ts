import type pg from 'pg';
import type { OrderCursor, StockCursor } from './cursor.js';

/**
 * The query API's SQL: SELECTs only, every value a bind parameter. The one identifier spliced into
 * the text is the schema name, checked against a plain-identifier pattern and quoted.
 *
 * Keys sort with COLLATE "C" (byte order), so page boundaries do not depend on the database locale.
 */

export type Queryable = Pick<pg.Pool, 'query'>;

export function quoteSchema(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`query api: schema "${schema}" is not a plain lower-case SQL identifier`);
  return `"${schema}"`;
}

/** Exact text of occurred_at (microseconds) for the cursor: a JS Date would round it to milliseconds. */
const ORDER_CURSOR_AT = `to_char(o.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface OrderRow {
  order_key: string;
  channel: string;
  shop_id: string;
  brand: string;
  channel_order_id: string;
  status: string;
  channel_status: string;
  currency: string;
  total_minor: string;
  buyer_country: string | null;
  buyer_province: string | null;
  buyer_city: string | null;
  presale: boolean;
  detail: string;
  occurred_at: Date;
  first_seen_at: Date;
  contents_at: Date | null;
  cursor_at: string;
}

const ORDER_COLUMNS = `o.order_key, o.channel, o.shop_id, o.brand, o.channel_order_id, o.status, o.channel_status, o.currency,
  o.total_minor, o.buyer_country, o.buyer_province, o.buyer_city, o.presale, o.detail, o.occurred_at, o.first_seen_at,
  o.contents_at, ${ORDER_CURSOR_AT} as cursor_at`;

export interface OrderFilters {
  channel?: string;
  shopId?: string;
  status?: string;
  from?: string;
  to?: string;
}

export async function listOrders(db: Queryable, schema: string, f: OrderFilters, after: OrderCursor | undefined, limit: number): Promise<OrderRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  if (f.channel !== undefined) where.push(`o.channel = ${bind(f.channel)}`);
  if (f.shopId !== undefined) where.push(`o.shop_id = ${bind(f.shopId)}`);
  if (f.status !== undefined) where.push(`o.status = ${bind(f.status)}`);
  if (f.from !== undefined) where.push(`o.occurred_at >= ${bind(f.from)}::timestamptz`);
  if (f.to !== undefined) where.push(`o.occurred_at < ${bind(f.to)}::timestamptz`);
  if (after) where.push(`(o.occurred_at, o.order_key collate "C") < (${bind(after.at)}::timestamptz, ${bind(after.key)}::text)`);
  const sql = `select ${ORDER_COLUMNS} from ${quoteSchema(schema)}.orders o
    ${where.length ? `where ${where.join(' and ')}` : ''}
    order by o.occurred_at desc, o.order_key collate "C" desc
    limit ${bind(limit)}`;
  return (await db.query<OrderRow>(sql, params)).rows;
}

export async function getOrder(
  db: Queryable,
  schema: string,
  orderKey: string,
): Promise<
  | {
      order: OrderRow;
      lines: { sku: string; quantity: number; unit_price_minor: string }[];
      timeline: { event_id: string; source: string; status: string; detail: string; occurred_at: Date }[];
    }
  | undefined
> {
  const s = quoteSchema(schema);
  const [order] = (await db.query<OrderRow>(`select ${ORDER_COLUMNS} from ${s}.orders o where o.order_key = $1`, [orderKey])).rows;
  if (!order) return undefined;
  const lines = (await db.query(`select sku, quantity, unit_price_minor from ${s}.order_lines where order_key = $1 order by sku collate "C"`, [orderKey])).rows;
  const timeline = (
    await db.query(
      `select event_id, source, status, detail, occurred_at from ${s}.order_timeline where order_key = $1 order by occurred_at, recorded_at, event_id collate "C"`,
      [orderKey],
    )
  ).rows;
  return { order, lines, timeline };
}

export interface StockRow {
  sku: string;
  warehouse: string;
  physical: string;
  locked: string;
  reserved: string;
  safety: string;
  available: string;
  version: string;
  updated_at: Date;
}

const STOCK_COLUMNS = 'sku, warehouse, physical, locked, reserved, safety, available, version, updated_at';

export async function listStock(
  db: Queryable,
  schema: string,
  f: { sku?: string; warehouse?: string },
  after: StockCursor | undefined,
  limit: number,
): Promise<StockRow[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  if (f.sku !== undefined) where.push(`sku = ${bind(f.sku)}`);
  if (f.warehouse !== undefined) where.push(`warehouse = ${bind(f.warehouse)}`);
  if (after) where.push(`(sku collate "C", warehouse collate "C") > (${bind(after.sku)}::text, ${bind(after.warehouse)}::text)`);
  const sql = `select ${STOCK_COLUMNS} from ${quoteSchema(schema)}.stock_levels
    ${where.length ? `where ${where.join(' and ')}` : ''}
    order by sku collate "C", warehouse collate "C"
    limit ${bind(limit)}`;
  return (await db.query<StockRow>(sql, params)).rows;
}

export async function getStock(db: Queryable, schema: string, sku: string): Promise<StockRow[]> {
  return (await db.query<StockRow>(`select ${STOCK_COLUMNS} from ${quoteSchema(schema)}.stock_levels where sku = $1 order by warehouse collate "C"`, [sku]))
    .rows;
}
