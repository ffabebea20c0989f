import type { Redis } from 'ioredis';
import type { Kafka, Producer } from 'kafkajs';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import type { Logger } from '../../lib/logger.js';
import { TOPICS } from '../../topics/catalog.js';
import type { TopicSerde } from '../../topics/serde.js';
import type { ChannelCommand } from '../../topics/schemas/channel-command.js';
import type { ChannelConnector } from '../contract.js';
import type { PushIngestor } from '../gateway/ingest.js';
import type { ShopDirectory } from '../gateway/shops.js';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { SyncBackExecutor } from './executor.js';
import { SYNC_BACK_GROUP, SYNC_BACK_INPUT } from './topology.js';

export interface SyncBackDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  connectors: Readonly<Record<string, ChannelConnector<any>>>;
  shops: ShopDirectory;
  ingestor: Pick<PushIngestor, 'ingest'>;
  retry?: RetryPolicy;
  /** Orders / shops of one batch executed at the same time (default 8). */
  concurrency?: number;
}

/**
 * Executes the hub's channel commands (SHIP, RECONCILE_ORDER) from every channel's command topic.
 * Each channel has its own topic, and every partition is consumed concurrently, so one platform's
 * outage or rate limit (a batch sleeping between retries) never holds up another's commands.
 */
export async function startSyncBackExecutor(deps: SyncBackDeps): Promise<{ disconnect(): Promise<void> }> {
  const channels = Object.keys(deps.connectors);
  const executor = new SyncBackExecutor({
    redis: deps.redis, producer: deps.producer, serde: deps.serde, namespace: deps.namespace, log: deps.log,
    connectors: deps.connectors, shops: deps.shops, ingestor: deps.ingestor,
    retry: deps.retry ?? DEFAULT_RETRY, concurrency: deps.concurrency ?? 8,
  });
  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: SYNC_BACK_GROUP, log: deps.log, producer: deps.producer,
    topics: [SYNC_BACK_INPUT], channels,
    partitionsConsumedConcurrently: Math.max(1, channels.length * TOPICS.channelCommands.partitions),
    handle: (records) => executor.handleBatch(records.map((r) => r.value as ChannelCommand)),
  });
  return { disconnect: () => consumer.disconnect() };
}
