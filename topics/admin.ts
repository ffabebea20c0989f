import type { Admin } from 'kafkajs';
import { TOPICS, topicName, type TopicId } from './catalog.js';

/** Creates missing topics from the catalog; existing ones are left as they are (safe to re-run). */
export async function ensureTopics(admin: Admin, namespace: string): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = (Object.keys(TOPICS) as TopicId[]).filter((id) => !existing.has(topicName(namespace, id)));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((id) => ({
        topic: topicName(namespace, id),
        numPartitions: TOPICS[id].partitions,
        replicationFactor: -1, // the broker's default: 1 on the local stack, 3 on a real cluster
        configEntries: [
          { name: 'cleanup.policy', value: TOPICS[id].cleanupPolicy },
          { name: 'retention.ms', value: String(TOPICS[id].retentionMs) },
        ],
      })),
    });
  }
  return missing.map((id) => topicName(namespace, id));
}
