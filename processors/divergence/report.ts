import type { Redis } from 'ioredis';
import { DIVERGENCE_TYPES, type DivergenceEvent, type DivergenceType } from '../../topics/schemas/divergence-event.js';
import { RedisDivergenceStore } from './store.js';

export interface TypeReport {
  opened: number;
  resolved: number;
  open: number;
  escalated: number;
  /** Time to converge of the resolved ones (nearest rank), null when none resolved. */
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface DivergenceReport {
  byType: Record<DivergenceType, TypeReport>;
}

/** Summarizes divergence events (from the topic or the store's log); repeats of an event count once. */
export function summarizeDivergences(events: Iterable<DivergenceEvent>): DivergenceReport {
  const byId = new Map<string, DivergenceEvent>();
  for (const e of events) byId.set(e.eventId, e);
  const byType = Object.fromEntries(DIVERGENCE_TYPES.map((t) => [t, { opened: 0, resolved: 0, open: 0, escalated: 0, p50Ms: null, p99Ms: null }])) as Record<
    DivergenceType,
    TypeReport
  >;
  const durations = new Map<DivergenceType, number[]>();
  for (const e of byId.values()) {
    const r = byType[e.type];
    if (e.state === 'OPENED') r.opened++;
    if (e.state === 'ESCALATED') r.escalated++;
    if (e.state === 'RESOLVED') {
      r.resolved++;
      durations.set(e.type, [...(durations.get(e.type) ?? []), e.durationMs ?? 0]);
    }
  }
  for (const t of DIVERGENCE_TYPES) {
    const r = byType[t];
    r.open = r.opened - r.resolved;
    const d = (durations.get(t) ?? []).sort((a, b) => a - b);
    r.p50Ms = percentile(d, 0.5);
    r.p99Ms = percentile(d, 0.99);
  }
  return { byType };
}

function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** The report from the processor's Redis log (CLI, tests). */
export async function divergenceReport(redis: Redis, namespace: string): Promise<DivergenceReport> {
  return summarizeDivergences(await new RedisDivergenceStore(redis, namespace).log());
}
