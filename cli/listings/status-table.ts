import type { ListingStockRow } from '../../sinks/postgres/query-api/stock-sync-queries.js';
import { formatTextTable, isoSeconds } from '../text-table.js';

const HEAD = ['LISTING', 'TARGET', 'SEQ', 'LAST PUSHED', 'PUSHED AT', 'LAST CONFIRMED', 'CONFIRMED AT', 'LAST RESULT'];

const n = (v: number | null) => (v === null ? '-' : String(v));

/**
 * One listing a line: what it should show, what the platform was last told and last showed.
 * A sell-out target is marked "0 (sold out)"; a last result with a reason carries it.
 */
export function formatListingStatus(rows: readonly ListingStockRow[]): string {
  if (rows.length === 0) return 'no listings with stock yet';
  return formatTextTable(
    HEAD,
    rows.map((r) => [
      r.listing_key,
      r.target === null ? '-' : r.sell_out ? `${r.target} (sold out)` : String(r.target),
      n(r.target_seq),
      n(r.last_pushed),
      isoSeconds(r.pushed_at),
      n(r.last_confirmed),
      isoSeconds(r.confirmed_at),
      r.last_result === null ? '-' : r.last_reason ? `${r.last_result}: ${r.last_reason}` : r.last_result,
    ]),
  );
}

/** `--shop channel:shopId` → its two parts, or null if it is not of that form. */
export function parseShopFilter(text: string): { channel: string; shopId: string } | null {
  const m = /^([a-z0-9_-]{1,32}):([^:\s]+)$/.exec(text);
  return m ? { channel: m[1]!, shopId: m[2]! } : null;
}
