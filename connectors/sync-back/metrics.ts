import { Counter, Histogram, type Metric } from 'prom-client';

/**
 * Sync-back metrics, registered nowhere by default: the process that mounts /metrics registers
 * SYNC_BACK_COLLECTORS on its own registry (registry.registerMetric for each).
 */
export const commandOutcomesTotal = new Counter({
  name: 'omnistream_sync_back_outcomes_total',
  help: 'Channel command attempts by channel, kind and outcome (RETRYING, SUCCEEDED, FAILED)',
  labelNames: ['channel', 'kind', 'outcome'] as const,
  registers: [],
});

export const attemptSeconds = new Histogram({
  name: 'omnistream_sync_back_attempt_seconds',
  help: 'Duration of one attempt at a channel command (platform call, plus the confirming pull after a ship)',
  labelNames: ['channel', 'kind'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [],
});

export const SYNC_BACK_COLLECTORS: readonly Metric[] = [commandOutcomesTotal, attemptSeconds];
