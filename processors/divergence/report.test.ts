import { describe, expect, it } from 'vitest';
import type { DivergenceEvent } from '../../topics/schemas/divergence-event.js';
import { summarizeDivergences } from './report.js';

const ev = (id: number, state: DivergenceEvent['state'], durationMs: number | null = null): DivergenceEvent => ({
  eventId: `d${id}:${state}`,
  divergenceId: `d${id}`,
  orderKey: `k${id}`,
  channel: 'jd',
  type: 'SHIPPED_NOT_SYNCED',
  state,
  channelView: null,
  hubView: null,
  warehouseView: null,
  carrierView: null,
  since: 0,
  openedAt: 1,
  occurredAt: 2,
  resolution: null,
  action: null,
  durationMs,
});

describe('divergence report', () => {
  it('counts each event once and takes p50/p99 over the resolved durations', () => {
    const events = [
      ...Array.from({ length: 100 }, (_, i) => [ev(i, 'OPENED'), ev(i, 'RESOLVED', (i + 1) * 1000)]).flat(),
      ev(100, 'OPENED'),
      ev(100, 'ESCALATED'),
      ev(100, 'ESCALATED'),
      ev(3, 'RESOLVED', 4000),
    ];
    const r = summarizeDivergences(events).byType;
    expect(r.SHIPPED_NOT_SYNCED).toEqual({ opened: 101, resolved: 100, open: 1, escalated: 1, p50Ms: 50_000, p99Ms: 99_000 });
    expect(r.PAID_NOT_SEEN).toEqual({ opened: 0, resolved: 0, open: 0, escalated: 0, p50Ms: null, p99Ms: null });
  });
});
