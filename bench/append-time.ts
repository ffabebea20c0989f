import kafkajs, { type Admin } from 'kafkajs';
import { TOPICS, topicName, type TopicId } from '../topics/catalog.js';

/**
 * Latency benchmarks time both ends by the broker's append time, not a producer's clock. Kafka's
 * alterConfigs replaces a topic's whole dynamic config, so the catalog's cleanup and retention
 * are set again with it.
 */
export async function useLogAppendTime(admin: Admin, namespace: string, ids: readonly TopicId[]): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: ids.map((id) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC, name: topicName(namespace, id),
      configEntries: [
        { name: 'cleanup.policy', value: TOPICS[id].cleanupPolicy },
        { name: 'retention.ms', value: String(TOPICS[id].retentionMs) },
        { name: 'message.timestamp.type', value: 'LogAppendTime' },
      ],
    })),
  });
}
