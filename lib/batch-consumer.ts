import type { Kafka, Producer } from 'kafkajs';
import { allTopicNames, type TopicId, topicName } from '../topics/catalog.js';
import { SerdeError, type TopicSerde, type TopicValues } from '../topics/serde.js';
import type { Logger } from './logger.js';

export interface Decoded<T extends TopicId = TopicId> {
  topic: T;
  partition: number;
  offset: string;
  key: string | null;
  /** The broker's append time of the record (epoch ms): when the hub saw it. */
  timestamp: number;
  value: TopicValues[T];
}

/** A decoded record of any of the topics `I`, discriminated by `topic`. */
export type DecodedOf<I extends TopicId> = { [T in I]: Decoded<T> }[I];

/** A running batch consumer, as the rest of the hub sees it. */
export interface BatchConsumer {
  /** Consumer group, namespaced. */
  readonly groupId: string;
  /** True once every assigned partition's last batch left no lag (the part has caught up). */
  caughtUp(): boolean;
  stop(): Promise<void>;
}

export interface BatchConsumerOptions<I extends TopicId = TopicId> {
  kafka: Kafka;
  serde: TopicSerde;
  namespace: string;
  /** Group name without the namespace. */
  group: string;
  topics: I[];
  /** For per-channel topics (channelCommands): which channels' topics to read. */
  channels?: readonly string[];
  log: Logger;
  /** Writes dead letters for records that cannot be decoded. */
  producer: Producer;
  /** Handles one partition's batch; offsets are committed only after it resolves. */
  handle: (records: DecodedOf<I>[]) => Promise<void>;
  partitionsConsumedConcurrently?: number;
  fromBeginning?: boolean;
}

/**
 * The thin Kafka side of a processor or sink: decode a partition's batch (Avro via the registry),
 * hand it over, and only then mark the offsets. A crash before the commit means the batch is
 * delivered again, so every handler must be idempotent; records that cannot be decoded go to the
 * dead-letter topic with the reason instead of stopping the partition.
 */
export async function startBatchConsumer<I extends TopicId>(opts: BatchConsumerOptions<I>): Promise<BatchConsumer> {
  const groupId = opts.namespace ? `${opts.namespace}.${opts.group}` : opts.group;
  const byName = new Map(
    allTopicNames(opts.namespace, opts.channels ?? [])
      .filter((t) => (opts.topics as TopicId[]).includes(t.id))
      .map((t) => [t.name, t.id as I] as const),
  );
  // Large fetches: fixed costs per fetch cycle (commit, heartbeat, the next fetch) are paid per batch, not per record.
  const consumer = opts.kafka.consumer({
    groupId,
    sessionTimeout: 10_000,
    heartbeatInterval: 1000,
    rebalanceTimeout: 15_000,
    maxWaitTimeInMs: 100,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [...byName.keys()], fromBeginning: opts.fromBeginning ?? true });
  await consumer.run({
    autoCommit: true,
    // Commit after every batch: a small cost, and a crash replays at most the batch in flight.
    autoCommitThreshold: 1,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently ?? 6,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      const topic = byName.get(batch.topic);
      if (!topic || batch.messages.length === 0) return;
      const records: DecodedOf<I>[] = [];
      for (const m of batch.messages) {
        try {
          if (!m.value) throw new SerdeError('empty value (tombstone) where an event was expected');
          records.push({
            topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key?.toString() ?? null,
            timestamp: Number(m.timestamp),
            value: await opts.serde.decode(topic, m.value),
          } as DecodedOf<I>);
        } catch (err) {
          // Only records that can never be read are dead-lettered; a registry outage fails the
          // batch, uncommitted, so kafkajs delivers it again.
          if (!(err instanceof SerdeError)) throw err;
          await deadLetter(
            opts,
            batch.topic,
            m.key?.toString() ?? null,
            m.value ?? Buffer.alloc(0),
            `cannot decode ${batch.topic}@${batch.partition}:${m.offset}: ${(err as Error).message}`,
          );
        }
      }
      if (!isRunning() || isStale()) return;
      // A long batch (carrier or platform calls with retries) must not cost the group membership:
      // heartbeat while it runs. A rebalance reported here surfaces in the heartbeat after it.
      const beating = setInterval(() => {
        heartbeat().catch(() => {});
      }, 2000);
      try {
        await opts.handle(records);
      } finally {
        clearInterval(beating);
      }
      resolveOffset(batch.lastOffset());
      await heartbeat();
      await commitOffsetsIfNecessary();
    },
  });
  // Lag per partition after its last batch: a timer may wait until the backlog is read.
  const lagByPartition = new Map<string, number>();
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    lagByPartition.set(`${payload.topic}:${payload.partition}`, Number(payload.offsetLag));
  });
  return {
    groupId,
    caughtUp: () => [...lagByPartition.values()].every((lag) => lag === 0),
    stop: () => consumer.disconnect(),
  };
}

async function deadLetter<I extends TopicId>(opts: BatchConsumerOptions<I>, topic: string, key: string | null, payload: Buffer, reason: string): Promise<void> {
  opts.log.warn({ topic, key, reason }, 'dead-lettering a record');
  await opts.producer.send({
    topic: topicName(opts.namespace, 'deadLetter'),
    acks: -1,
    messages: [
      {
        key,
        headers: { 'x-omnistream-reason': reason },
        value: await opts.serde.encode('deadLetter', {
          source: `consumer:${opts.group}`,
          reason,
          channel: null,
          shopId: null,
          key,
          payload,
          occurredAt: Date.now(),
        }),
      },
    ],
  });
}
