import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import type { TopicSerde } from '../../topics/serde.js';
import type { Kafka, Producer } from '../kafka.js';
import type { Logger } from '../logger.js';

/**
 * The shared services a part runs on, made once per process by the app (or a test): clients,
 * the namespace, one metrics registry, and the HTTP server for parts with routes.
 */
export interface Runtime {
  namespace: string;
  kafka: Kafka;
  /** Idempotent, acks=all (createDurableProducer). */
  producer: Producer;
  serde: TopicSerde;
  redis: Redis;
  log: Logger;
  metrics: Registry;
  /** Channels with a per-channel topic (`channel-commands.<channel>`). */
  channels: readonly string[];
  /** Only for parts with a Postgres store. */
  pool?: pg.Pool;
  /** Only for parts with routes. */
  http?: FastifyInstance;
}
