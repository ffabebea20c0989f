import type { DivergenceRow } from './query-api/fulfilment-queries.js';

/** "3d 4h", "2h 05m", "12m", "40s": the two largest units, enough to triage by. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** The views that were seen, as "channel=PAID hub=RESERVED warehouse=SHIPPED". */
export const formatViews = (r: Pick<DivergenceRow, 'channel_view' | 'hub_view' | 'warehouse_view' | 'carrier_view'>) =>
  (
    [
      ['channel', r.channel_view],
      ['hub', r.hub_view],
      ['warehouse', r.warehouse_view],
      ['carrier', r.carrier_view],
    ] as const
  )
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-';

const HEAD = ['ORDER KEY', 'TYPE', 'SINCE', 'AGE', 'VIEWS', 'ACTION', 'STATE'];

/**
 * A plain-text table, one divergence a line. Age: how long the contradiction has lasted (until
 * now, or until it was resolved).
 */
export function formatDivergenceTable(rows: readonly DivergenceRow[], now: number): string {
  if (rows.length === 0) return 'no divergences';
  const cells = rows.map((r) => [
    r.order_key,
    r.type,
    r.since.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    formatAge((r.resolved_at?.getTime() ?? now) - r.since.getTime()),
    formatViews(r),
    r.action ?? '-',
    r.state,
  ]);
  const width = HEAD.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === c.length - 1 ? x : x.padEnd(width[i]!))).join('  ');
  return [line(HEAD), ...cells.map(line)].join('\n');
}
