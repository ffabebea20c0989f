import type pg from 'pg';
import type { HubException } from '../../../topics/schemas/hub-exception.js';
import { column, ms } from './sql.js';

interface ExceptionRow {
  newest: HubException;
  firstAt: number;
}

/** Per exception: its newest event (first in the log on a tie, as in the table) and its earliest time. */
export function exceptionRows(events: readonly HubException[]): ExceptionRow[] {
  const rows = new Map<string, ExceptionRow>();
  for (const e of events) {
    const r = rows.get(e.exceptionId);
    if (!r) rows.set(e.exceptionId, { newest: e, firstAt: e.at });
    else {
      if (e.at > r.newest.at) r.newest = e;
      r.firstAt = Math.min(r.firstAt, e.at);
    }
  }
  return [...rows.values()].sort((a, b) => (a.newest.exceptionId < b.newest.exceptionId ? -1 : a.newest.exceptionId > b.newest.exceptionId ? 1 : 0));
}

const NEWER = 'excluded.at > hub_exceptions.at';
const COLUMNS = ['kind', 'state', 'subject', 'channel', 'shop_id', 'reason', 'at'];

/** Exceptions: the newest event's state and reason; first_at the earliest ever seen, whatever the arrival order. */
export async function upsertHubExceptions(client: pg.ClientBase, schema: string, events: readonly HubException[]): Promise<void> {
  const rows = exceptionRows(events);
  if (rows.length === 0) return;
  const c = <T>(f: (e: HubException) => T) => column(rows, (r) => f(r.newest));
  await client.query(
    `insert into ${schema}.hub_exceptions (exception_id, ${COLUMNS.join(', ')}, first_at)
     select i, k, st, su, ch, s, r, ${ms('a')}, ${ms('f')}
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[])
          as u(i, k, st, su, ch, s, r, a, f)
     on conflict (exception_id) do update set
       ${COLUMNS.map((x) => `${x} = case when ${NEWER} then excluded.${x} else hub_exceptions.${x} end`).join(', ')},
       first_at = least(hub_exceptions.first_at, excluded.first_at)
     where ${NEWER} or excluded.first_at < hub_exceptions.first_at`,
    [
      c((e) => e.exceptionId),
      c((e) => e.kind),
      c((e) => e.state),
      c((e) => e.subject),
      c((e) => e.channel),
      c((e) => e.shopId),
      c((e) => e.reason),
      c((e) => e.at),
      column(rows, (r) => r.firstAt),
    ],
  );
}
