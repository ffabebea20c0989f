import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Registry } from 'prom-client';
import { inject } from 'vitest';
import { type Config, loadConfig } from '../../app/config.js';
import { CONNECTORS } from '../../connectors/registry.js';
import { type Admin, createKafka, type Kafka, type Producer } from '../../lib/kafka.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import type { Runtime } from '../../lib/processor/runtime.js';
import { ensureTopics } from '../../lib/topic-admin.js';
import { allTopicNames, type TopicId, topicName } from '../../topics/catalog.js';
import { TopicSerde } from '../../topics/serde.js';

/**
 * Everything one test file needs, in a namespace of its own: topics `<ns>.*`, Redis keys `{<ns>}:*`,
 * Postgres schema `<ns>`. Runs never collide, and `close()` removes what the file created.
 */
export interface TestContext {
  namespace: string;
  config: Config;
  log: Logger;
  kafka: Kafka;
  admin: Admin;
  serde: TopicSerde;
  redis: Redis;
  pool: pg.Pool;
  topic(id: TopicId): string;
  /** A runtime for starting components directly (runProcessor): this file's clients, a fresh metrics registry. */
  runtime(producer: Producer, extra?: Partial<Runtime>): Runtime;
  close(): Promise<void>;
}

export async function createTestContext(label: string): Promise<TestContext> {
  const namespace = `t_${label}_${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    ...process.env,
    ...inject('stackEnv'),
    OMNISTREAM_NAMESPACE: namespace,
    OMNISTREAM_PG_SCHEMA: namespace,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // Scheduled pulls would reach simulators a test has already stopped: tests run them explicitly.
    OMNISTREAM_RECONCILE_INCREMENTAL_CRON: 'off',
  });
  const log = createLogger(`test:${label}`, config.LOG_LEVEL);
  const kafka = createKafka(config.KAFKA_BROKERS, `test-${label}`, log);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, namespace, Object.keys(CONNECTORS));
  const serde = TopicSerde.connect(config.SCHEMA_REGISTRY_URL, namespace);
  await serde.registerAll();
  const redis = new Redis(config.REDIS_URL);
  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
  return {
    namespace,
    config,
    log,
    kafka,
    admin,
    serde,
    redis,
    pool,
    topic: (id) => topicName(namespace, id),
    runtime: (producer, extra = {}) => ({
      namespace,
      kafka,
      producer,
      serde,
      redis,
      log,
      pool,
      metrics: new Registry(),
      channels: Object.keys(CONNECTORS),
      ...extra,
    }),
    async close() {
      await admin.deleteTopics({ topics: allTopicNames(namespace, Object.keys(CONNECTORS)).map((t) => t.name) }).catch(() => {});
      await admin.disconnect();
      const keys = await redis.keys(`{${namespace}}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      redis.disconnect();
      await pool.query(`drop schema if exists ${namespace} cascade`);
      await pool.end();
      // The registry keeps its subjects in Postgres: remove this file's, soft then for good.
      const subjects = ((await (await fetch(`${config.SCHEMA_REGISTRY_URL}/subjects`)).json()) as string[]).filter((s) => s.startsWith(`${namespace}.`));
      for (const s of subjects) {
        const url = `${config.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(s)}`;
        await fetch(url, { method: 'DELETE' }).catch(() => {});
        await fetch(`${url}?permanent=true`, { method: 'DELETE' }).catch(() => {});
      }
    },
  };
}
