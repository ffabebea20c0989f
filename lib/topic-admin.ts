import kafkajs, { type Admin } from 'kafkajs';
import { allTopicNames, TOPICS, type TopicId, topicName } from '../topics/catalog.js';

/**
 * Creates missing topics from the catalog (per-channel ones for `channels`: pass the registry's
 * channel names); existing ones are left as they are (safe to re-run).
 * Then waits until every partition of every catalog topic has a leader: a freshly created topic
 * can answer "does not host this topic-partition" for a while, and kafkajs's own wait gives up.
 */
export async function ensureTopics(admin: Admin, namespace: string, channels: readonly string[] = [], timeoutMs = 30_000): Promise<string[]> {
  const names = allTopicNames(namespace, channels).map(({ id, name }) => [id, name] as const);
  const existing = new Set(await admin.listTopics());
  const missing = names.filter(([, name]) => !existing.has(name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: false,
        topics: missing.map(([id, topic]) => ({
          topic,
          numPartitions: TOPICS[id].partitions,
          replicationFactor: -1, // the broker's default: 1 on the local stack, 3 on a real cluster
          configEntries: [
            { name: 'cleanup.policy', value: TOPICS[id].cleanupPolicy },
            { name: 'retention.ms', value: String(TOPICS[id].retentionMs) },
          ],
        })),
      });
    } catch (err) {
      // Another process may have created them first; anything else shows up as missing leaders below.
      if (!/already exists/i.test((err as Error).message)) throw err;
    }
  }
  await waitForLeaders(
    admin,
    names.map(([, name]) => name),
    timeoutMs,
  );
  return missing.map(([, name]) => name);
}

async function waitForLeaders(admin: Admin, topics: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: meta } = await admin.fetchTopicMetadata({ topics });
      if (meta.length === topics.length && meta.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics not ready after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Latency benchmarks time both ends by the broker's append time, not a producer's clock. Kafka's
 * alterConfigs replaces a topic's whole dynamic config, so the catalog's cleanup and retention
 * are set again with it.
 */
export async function useLogAppendTime(admin: Admin, namespace: string, ids: readonly TopicId[]): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: ids.map((id) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name: topicName(namespace, id),
      configEntries: [
        { name: 'cleanup.policy', value: TOPICS[id].cleanupPolicy },
        { name: 'retention.ms', value: String(TOPICS[id].retentionMs) },
        { name: 'message.timestamp.type', value: 'LogAppendTime' },
      ],
    })),
  });
}
