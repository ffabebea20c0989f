import { type Queryable, quoteSchema } from './queries.js';

/** A listing_stock row as read (bigints as numbers: stock quantities are far below 2^53). */
export interface ListingStockRow {
  listing_key: string;
  channel: string;
  shop_id: string;
  target: number | null;
  target_seq: number | null;
  sell_out: boolean | null;
  target_at: Date | null;
  last_pushed: number | null;
  pushed_at: Date | null;
  last_confirmed: number | null;
  confirmed_at: Date | null;
  last_result: string | null;
  last_reason: string | null;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

/** listing_stock by listing key, optionally of one shop; keyset paginated after a listing key. */
export async function listListingStock(
  db: Queryable,
  schema: string,
  f: { channel?: string; shopId?: string },
  after: string | undefined,
  limit: number,
): Promise<ListingStockRow[]> {
  const params: unknown[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (f.channel !== undefined) where.push(`s.channel = ${bind(f.channel)}`);
  if (f.shopId !== undefined) where.push(`s.shop_id = ${bind(f.shopId)}`);
  if (after !== undefined) where.push(`s.listing_key collate "C" > ${bind(after)}`);
  const { rows } = await db.query<ListingStockRow>(
    `select s.listing_key, s.channel, s.shop_id, s.target, s.target_seq, s.sell_out, s.target_at, s.last_pushed, s.pushed_at,
            s.last_confirmed, s.confirmed_at, s.last_result, s.last_reason
       from ${quoteSchema(schema)}.listing_stock s ${where.length ? `where ${where.join(' and ')}` : ''}
      order by s.listing_key collate "C" limit ${bind(limit)}`,
    params,
  );
  return rows.map((r) => ({
    ...r,
    target: num(r.target),
    target_seq: num(r.target_seq),
    last_pushed: num(r.last_pushed),
    last_confirmed: num(r.last_confirmed),
  }));
}

export interface HubExceptionRow {
  exception_id: string;
  kind: string;
  state: string;
  subject: string;
  channel: string;
  shop_id: string;
  reason: string;
  at: Date;
  first_at: Date;
}

/** hub_exceptions, newest first (only those waiting for a person, OPEN or CANCEL_FAILED, if asked); keyset paginated after (at, exception id). */
export async function listHubExceptions(
  db: Queryable,
  schema: string,
  f: { open: boolean },
  after: { at: Date; id: string } | undefined,
  limit: number,
): Promise<HubExceptionRow[]> {
  const params: unknown[] = [];
  const bind = (v: unknown) => `$${params.push(v)}`;
  const where: string[] = [];
  if (f.open) where.push(`e.state in ('OPEN', 'CANCEL_FAILED')`);
  if (after) where.push(`(e.at, e.exception_id collate "C") < (${bind(after.at)}::timestamptz, ${bind(after.id)}::text)`);
  return (
    await db.query<HubExceptionRow>(
      `select e.exception_id, e.kind, e.state, e.subject, e.channel, e.shop_id, e.reason, e.at, e.first_at
         from ${quoteSchema(schema)}.hub_exceptions e ${where.length ? `where ${where.join(' and ')}` : ''}
        order by e.at desc, e.exception_id collate "C" desc limit ${bind(limit)}`,
      params,
    )
  ).rows;
}

/** One hub exception by id, or null. */
export async function getHubException(db: Queryable, schema: string, exceptionId: string): Promise<HubExceptionRow | null> {
  const { rows } = await db.query<HubExceptionRow>(
    `select exception_id, kind, state, subject, channel, shop_id, reason, at, first_at from ${quoteSchema(schema)}.hub_exceptions where exception_id = $1`,
    [exceptionId],
  );
  return rows[0] ?? null;
}
