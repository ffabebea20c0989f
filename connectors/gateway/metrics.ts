import { Counter, Histogram, type Registry } from 'prom-client';

/** Per-channel ingest counters, on the process's registry. */
export class GatewayMetrics {
  readonly pushes: Counter<'channel' | 'outcome' | 'reason'>;
  readonly ackLatency: Histogram<'channel'>;

  constructor(registry?: Registry) {
    const registers = registry ? [registry] : [];
    this.pushes = new Counter({
      name: 'omnistream_webhook_pushes_total',
      help: 'Channel pushes by outcome: accepted, duplicate, dead_lettered, rejected, unavailable',
      labelNames: ['channel', 'outcome', 'reason'] as const,
      registers,
    });
    this.ackLatency = new Histogram({
      name: 'omnistream_webhook_ack_seconds',
      help: 'Receipt to acknowledgement (event durable in Kafka)',
      labelNames: ['channel'] as const,
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }
}
