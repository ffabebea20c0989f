import { formatAge } from '../../sinks/postgres/divergence-table.js';
import type { HubExceptionRow } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { formatTextTable, isoSeconds } from '../text-table.js';

const HEAD = ['KIND', 'STATE', 'SUBJECT', 'SHOP', 'FIRST SEEN', 'AGE', 'REASON'];

/** One exception a line, newest first as read; age since it was first seen. */
export function formatExceptionTable(rows: readonly HubExceptionRow[], now: number): string {
  if (rows.length === 0) return 'no exceptions';
  return formatTextTable(
    HEAD,
    rows.map((r) => [r.kind, r.state, r.subject, `${r.channel}:${r.shop_id}`, isoSeconds(r.first_at), formatAge(now - r.first_at.getTime()), r.reason]),
  );
}
