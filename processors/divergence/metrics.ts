import { Gauge, Histogram, Registry } from 'prom-client';
import { DIVERGENCE_TYPES } from '../../topics/schemas/divergence-event.js';
import type { RedisDivergenceStore } from './store.js';

export interface DivergenceMetrics {
  registry: Registry;
  converged(type: string, durationMs: number): void;
  syncLag(channel: string, stage: 'received' | 'decided', ms: number): void;
}

/**
 * Open divergences by type and channel (read from Redis at scrape time, so every instance reports
 * the same numbers), time to converge, and per-channel sync lag. Mount `registry` on /metrics, or
 * pass the gateway's registry in.
 */
export function createDivergenceMetrics(store: RedisDivergenceStore, registry = new Registry()): DivergenceMetrics {
  new Gauge({
    name: 'omnistream_divergences_open',
    help: 'Divergences opened and not yet resolved, by type and channel.',
    labelNames: ['type', 'channel'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const type of DIVERGENCE_TYPES) this.set({ type, channel: 'all' }, 0);
      const totals = new Map<string, number>();
      for (const v of Object.values(await store.open())) {
        const [type, channel] = v.split('|');
        this.inc({ type: type!, channel: channel! });
        totals.set(type!, (totals.get(type!) ?? 0) + 1);
      }
      for (const [type, n] of totals) this.set({ type, channel: 'all' }, n);
    },
  });
  const converge = new Histogram({
    name: 'omnistream_divergence_convergence_seconds',
    help: "From a contradiction's start to its resolution.",
    labelNames: ['type'],
    registers: [registry],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 72 * 3600],
  });
  const lag = new Histogram({
    name: 'omnistream_channel_sync_lag_seconds',
    help: 'Channel time of an order change → hub received it (received) / hub decided on it (decided).',
    labelNames: ['channel', 'stage'],
    registers: [registry],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  });
  return {
    registry,
    converged: (type, ms) => converge.observe({ type }, ms / 1000),
    syncLag: (channel, stage, ms) => lag.observe({ channel, stage }, ms / 1000),
  };
}
