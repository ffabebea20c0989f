import { Counter, Histogram, type Registry } from 'prom-client';

export interface SyncBackMetrics {
  outcomes: Counter<'channel' | 'kind' | 'outcome'>;
  attemptSeconds: Histogram<'channel' | 'kind'>;
}

/** Channel command attempts and their durations, on the given registry (none: counted, not exported). */
export function createSyncBackMetrics(registry?: Registry): SyncBackMetrics {
  const registers = registry ? [registry] : [];
  return {
    outcomes: new Counter({
      name: 'omnistream_sync_back_outcomes_total',
      help: 'Channel command attempts by channel, kind and outcome (RETRYING, SUCCEEDED, FAILED)',
      labelNames: ['channel', 'kind', 'outcome'] as const,
      registers,
    }),
    attemptSeconds: new Histogram({
      name: 'omnistream_sync_back_attempt_seconds',
      help: 'Duration of one attempt at a channel command (platform call, plus the confirming pull after a ship)',
      labelNames: ['channel', 'kind'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
  };
}
