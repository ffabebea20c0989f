import type { Config } from '../app/config.js';
import { CONNECTORS } from '../connectors/registry.js';
import { createDurableProducer, createKafka } from '../lib/kafka.js';
import { createLogger } from '../lib/logger.js';
import { type KeyedRecord, publish } from '../lib/publish.js';
import { ensureTopics } from '../lib/topic-admin.js';
import type { TopicId } from '../topics/catalog.js';
import { TopicSerde, type TopicValues } from '../topics/serde.js';

/** Writes records to one catalog topic of the configured namespace, durably (topics and schemas made first if missing). */
export async function publishToTopic<T extends TopicId>(config: Config, clientId: string, topic: T, records: KeyedRecord<TopicValues[T]>[]): Promise<void> {
  const ns = config.OMNISTREAM_NAMESPACE;
  const kafka = createKafka(config.KAFKA_BROKERS, clientId, createLogger(clientId, config.LOG_LEVEL));
  const admin = kafka.admin();
  const producer = createDurableProducer(kafka);
  try {
    await admin.connect();
    await ensureTopics(admin, ns, Object.keys(CONNECTORS));
    const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, ns);
    await serde.registerAll();
    await producer.connect();
    await publish(producer, serde, ns, topic, records);
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  }
}
