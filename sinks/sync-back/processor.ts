import type { AnyChannelConnector } from '../../connectors/contract.js';
import { PushIngestor } from '../../connectors/gateway/ingest.js';
import { PushPublisher } from '../../connectors/gateway/publisher.js';
import { type ShopDirectory, shopsEnv, shopsOf } from '../../connectors/gateway/shops.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { RetryPolicy } from '../../lib/retry.js';
import { TOPICS } from '../../topics/catalog.js';
import { SyncBackExecutor } from './executor.js';
import { createSyncBackMetrics } from './metrics.js';

export interface SyncBackOptions {
  shops: ShopDirectory;
  connectors?: Readonly<Record<string, AnyChannelConnector>>;
  /** Default: 5 attempts, waits from 200 ms doubling up to 5 s. */
  retry?: RetryPolicy;
  /** Orders / shops of one batch executed at the same time (default 8). */
  concurrency?: number;
}

/**
 * Executes the hub's channel commands (SHIP, RECONCILE_ORDER) from every channel's command topic.
 * Each channel has its own topic, and every partition is consumed concurrently, so one platform's
 * outage or rate limit (a batch sleeping between retries) never holds up another's commands. What
 * a confirming or targeted pull reads back enters the hub through the gateway's ingest path.
 */
export const syncBack = defineProcessor({
  name: 'sync-back',
  part: 'syncBack',
  kind: 'sink',
  summary: "channel commands executed through each platform's API (ship, cancel an unfillable order, re-read an order), with retries and outcomes",
  inputs: {
    channelCommands:
      "executes SHIP through the channel's ship API and CANCEL_UNFILLABLE through its cancel, refund or out-of-stock API (each then reads the order back), and RECONCILE_ORDER as a targeted pull",
  },
  outputs: {
    commandOutcomes: 'writes RETRYING per failed attempt, then SUCCEEDED or FAILED',
    hubExceptions: 'writes CANCELLED or CANCEL_FAILED for a paid unfillable order once its CANCEL_UNFILLABLE ended',
    channelRaw: 'writes what a confirming or targeted pull read, as the gateway does',
    orderEvents: "writes the channel's new status of each order it read back",
    deadLetter: 'dead-letters read-back orders that cannot be mapped',
  },
  stores: [
    { prefix: 'sync', kind: 'redis', holds: 'the outcomes of each finished command (a redelivery re-emits them, never executes again)' },
    { prefix: 'gw', kind: 'redis', holds: "the gateway's dedupe of stored events (shared ingest path)" },
  ],
  env: shopsEnv,
  options: (env, inputs): SyncBackOptions => ({ shops: shopsOf(env, inputs) }),
  async start(ctx, opts: SyncBackOptions) {
    const connectors = opts.connectors ?? CONNECTORS;
    const ingestor = new PushIngestor(new PushPublisher((batch) => ctx.publishBatch(batch)), ctx.redis, ctx.namespace);
    const executor = new SyncBackExecutor({
      redis: ctx.redis,
      namespace: ctx.namespace,
      log: ctx.log,
      metrics: createSyncBackMetrics(ctx.metrics),
      emit: (outcomes) =>
        ctx.publish(
          'commandOutcomes',
          outcomes.map((o) => ({ key: o.orderKey, value: o })),
        ),
      emitExceptions: (exceptions) =>
        ctx.publish(
          'hubExceptions',
          exceptions.map((e) => ({ key: e.subject, value: e })),
        ),
      connectors,
      shops: opts.shops,
      ingestor,
      retry: opts.retry ?? { attempts: 5, baseMs: 200, maxMs: 5_000 },
      concurrency: opts.concurrency ?? 8,
    });
    await ctx.consume((records) => executor.handleBatch(records.map((r) => r.value)), {
      partitionsConsumedConcurrently: Math.max(1, ctx.channels.length * TOPICS.channelCommands.partitions),
    });
    return {};
  },
});
