import { channelCommandTopic, TOPICS, type TopicDefinition, type TopicId, topicName } from '../topics/catalog.js';
import type { TopicSerde, TopicValues } from '../topics/serde.js';
import { bytesOf, GroupCommitSender, MAX_REQUEST_BYTES } from './group-commit.js';
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

/**
 * Splits topic messages into requests of at most MAX_REQUEST_BYTES (a single larger message goes
 * alone), so a large output (a flash sale's rejections, say) is several requests, never a refused one.
 */
export function requestsOf(topicMessages: { topic: string; messages: Message[] }[]): { topic: string; messages: Message[] }[][] {
  const requests: { topic: string; messages: Message[] }[][] = [];
  let current: { topic: string; messages: Message[] }[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let part: Message[] = [];
    for (const m of messages) {
      const size = bytesOf(m);
      if (bytes + size > MAX_REQUEST_BYTES && bytes > 0) {
        if (part.length > 0) current.push({ topic, messages: part });
        requests.push(current);
        current = [];
        part = [];
        bytes = 0;
      }
      part.push(m);
      bytes += size;
    }
    if (part.length > 0) current.push({ topic, messages: part });
  }
  if (current.length > 0) requests.push(current);
  return requests;
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
  const byTopic = [...encodeRecords(serde, namespace, topic, records)].map(([t, messages]) => ({ topic: t, messages }));
  for (const request of requestsOf(byTopic)) {
    if (request.length === 1) await producer.send({ topic: request[0]!.topic, acks: -1, messages: request[0]!.messages });
    else await producer.sendBatch({ acks: -1, topicMessages: request });
  }
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
    // In order: a request's records are durable before the next one's (callers rely on the order of topics).
    for (const request of requestsOf(topicMessages)) await sender.send(request);
  };
}
