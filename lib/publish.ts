import { channelCommandTopic, TOPICS, type TopicDefinition, type TopicId, topicName } from '../topics/catalog.js';
import type { TopicSerde, TopicValues } from '../topics/serde.js';
import { GroupCommitSender } from './group-commit.js';
import type { Message, Producer } from './kafka.js';

export interface KeyedRecord<V> {
  key: string | null;
  value: V;
  headers?: Record<string, string>;
}

/** Records for several topics, written in one produce request (topics in the object's order). */
export type OutputBatch<O extends TopicId = TopicId> = { [T in O]?: KeyedRecord<TopicValues[T]>[] };

/**
 * Encodes records of one catalog topic into Kafka messages by topic name. A per-channel topic
 * (channel-commands) is chosen by each record's `channel`.
 */
export function encodeRecords(serde: TopicSerde, namespace: string, topic: TopicId, records: readonly KeyedRecord<unknown>[]): Map<string, Message[]> {
  const perChannel = (TOPICS[topic] as TopicDefinition).perChannel === true;
  const byTopic = new Map<string, Message[]>();
  for (const r of records) {
    let name = topicName(namespace, topic);
    if (perChannel) {
      const channel = (r.value as { channel?: unknown }).channel;
      if (typeof channel !== 'string') throw new Error(`a ${topic} record needs a channel`);
      name = channelCommandTopic(namespace, channel);
    }
    const message: Message = { key: r.key, value: serde.encodeSync(topic, r.value as never), headers: r.headers };
    const list = byTopic.get(name);
    if (list) list.push(message);
    else byTopic.set(name, [message]);
  }
  return byTopic;
}

/** Encodes and writes values to one catalog topic, durably (acks=all). */
export async function publish<T extends TopicId>(
  producer: Producer,
  serde: TopicSerde,
  namespace: string,
  topic: T,
  records: KeyedRecord<TopicValues[T]>[],
): Promise<void> {
  if (records.length === 0) return;
  const byTopic = [...encodeRecords(serde, namespace, topic, records)];
  if (byTopic.length === 1) await producer.send({ topic: byTopic[0]![0], acks: -1, messages: byTopic[0]![1] });
  else await producer.sendBatch({ acks: -1, topicMessages: byTopic.map(([t, messages]) => ({ topic: t, messages })) });
}

/**
 * A writer of several topics at once (acks=all) whose concurrent callers share produce requests
 * (group commit): what a part's `publishBatch` is, for code that runs outside a part (CLI, tests).
 */
export function batchWriter(
  producer: Producer,
  serde: TopicSerde,
  namespace: string,
  allowed?: ReadonlySet<TopicId>,
): <O extends TopicId>(batch: OutputBatch<O>) => Promise<void> {
  const sender = new GroupCommitSender(producer);
  return async (batch) => {
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    for (const [topic, records] of Object.entries(batch) as [TopicId, KeyedRecord<unknown>[] | undefined][]) {
      if (!records || records.length === 0) continue;
      if (allowed && !allowed.has(topic)) throw new Error(`${topic} is not among the declared outputs`);
      for (const [name, messages] of encodeRecords(serde, namespace, topic, records)) topicMessages.push({ topic: name, messages });
    }
    if (topicMessages.length > 0) await sender.send(topicMessages);
  };
}
