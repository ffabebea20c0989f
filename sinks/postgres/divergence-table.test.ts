import { describe, expect, it } from 'vitest';
import { formatAge, formatDivergenceTable } from './divergence-table.js';
import type { DivergenceRow } from './query-api/fulfilment-queries.js';

const row = (extra: Partial<DivergenceRow>): DivergenceRow => ({
  divergence_id: 'd',
  order_key: 'jd:s:1',
  channel: 'jd',
  type: 'SHIPPED_NOT_SYNCED',
  state: 'OPENED',
  channel_view: 'PAID',
  hub_view: null,
  warehouse_view: 'SHIPPED',
  carrier_view: null,
  since: new Date('2026-11-24T08:00:00Z'),
  opened_at: new Date('2026-11-24T08:10:00Z'),
  escalated_at: null,
  resolved_at: null,
  duration_ms: null,
  resolution: null,
  action: 'SHIP',
  updated_at: new Date('2026-11-24T08:10:00Z'),
  cursor_at: '',
  ...extra,
});

describe('divergence table', () => {
  it('formats ages with their two largest units', () => {
    expect([40_000, 12 * 60_000, 2 * 3600_000 + 5 * 60_000, 3 * 86_400_000 + 4 * 3600_000, -5].map(formatAge)).toEqual(['40s', '12m', '2h 05m', '3d 4h', '0s']);
  });

  it('one aligned line per divergence: age until now when open, until resolution when resolved', () => {
    const now = Date.parse('2026-11-24T10:30:00Z');
    const text = formatDivergenceTable(
      [row({}), row({ order_key: 'taobao:shop:22', state: 'RESOLVED', action: null, resolved_at: new Date('2026-11-24T08:45:00Z') })],
      now,
    );
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^ORDER KEY\s+TYPE\s+SINCE\s+AGE\s+VIEWS\s+ACTION\s+STATE$/);
    expect(lines[1]).toMatch(/^jd:s:1\s+SHIPPED_NOT_SYNCED\s+2026-11-24T08:00:00Z\s+2h 30m\s+channel=PAID warehouse=SHIPPED\s+SHIP\s+OPENED$/);
    expect(lines[2]).toMatch(/^taobao:shop:22 .*45m .* - +RESOLVED$/);
    expect(lines[1]!.indexOf('SHIPPED_NOT')).toBe(lines[0]!.indexOf('TYPE'));
    expect(formatDivergenceTable([], now)).toBe('no divergences');
  });
});
