import type pg from 'pg';

/** Epoch-ms bigint column → timestamptz. */
export const ms = (column: string) => `to_timestamp(${column}::double precision / 1000)`;

export interface TimelineRow {
  id: string;
  key: string;
  source: string;
  status: string;
  detail: string;
  at: number;
}

/** order_timeline rows are history: keyed by event id, the first write wins, a repeat changes nothing. */
export async function insertTimeline(client: pg.ClientBase, schema: string, rows: TimelineRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `insert into ${schema}.order_timeline (event_id, order_key, source, status, detail, occurred_at)
     select i, k, s, st, d, ${ms('a')} from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) as u(i, k, s, st, d, a)
     on conflict (event_id) do nothing`,
    [rows.map((r) => r.id), rows.map((r) => r.key), rows.map((r) => r.source), rows.map((r) => r.status), rows.map((r) => r.detail), rows.map((r) => r.at)],
  );
}

/** Column arrays for unnest(): one array per field, in row order. */
export const column = <R, T>(rows: readonly R[], f: (r: R) => T): T[] => rows.map(f);
