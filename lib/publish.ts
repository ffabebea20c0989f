import type { Producer } from 'kafkajs';
import { topicName, type TopicId } from '../topics/catalog.js';
import type { TopicSerde, TopicValues } from '../topics/serde.js';

/** Encodes and writes values to one catalog topic, durably (acks=all). */
export async function publish<T extends TopicId>(
  producer: Producer, serde: TopicSerde, namespace: string, topic: T, records: { key: string; value: TopicValues[T] }[],
): Promise<void> {
  const messages = await Promise.all(records.map(async (r) => ({ key: r.key, value: await serde.encode(topic, r.value) })));
  await producer.send({ topic: topicName(namespace, topic), acks: -1, messages });
}
