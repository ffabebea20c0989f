import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Registry } from 'prom-client';
import { TOPICS, type TopicDefinition, type TopicId } from '../../topics/catalog.js';
import type { TopicValues } from '../../topics/serde.js';
import { type BatchConsumer, type DecodedOf, startBatchConsumer } from '../batch-consumer.js';
import { acquireLease, type Lease } from '../lease.js';
import { startLeasedTick } from '../leased-tick.js';
import type { Logger } from '../logger.js';
import { batchWriter, type KeyedRecord, type OutputBatch, publish } from '../publish.js';
import { redisPrefix } from '../redis-keys.js';
import { type AnyProcessorDefinition, consumerGroupsOf, groupOf } from './definition.js';
import type { Runtime } from './runtime.js';

export interface ConsumeOptions<I extends TopicId> {
  /** A subset of the inputs of the group consumed (default: all of them). */
  topics?: readonly I[];
  /** One of the definition's lanes: consumes its inputs in its own group (default: the part's group and its inputs outside lanes). */
  lane?: string;
  /** Partitions handled at the same time (default 6). */
  partitionsConsumedConcurrently?: number;
}

export interface TimerOptions {
  /** Every this many seconds (1–59). */
  seconds: number;
  /** Checked before the lease is taken: false skips the tick. */
  when?(): boolean;
  run(): Promise<unknown>;
}

/**
 * What a part may do, and nothing else: consume its declared inputs (offsets committed after the
 * handler resolved), publish its declared outputs (acks=all), keep state under its own Redis
 * prefixes, take leases, run leased timers, log and report metrics. Everything it starts here is
 * stopped by the runner, timers first.
 */
export interface ProcessorContext<I extends TopicId = TopicId, O extends TopicId = TopicId> {
  readonly name: string;
  readonly namespace: string;
  readonly log: Logger;
  readonly metrics: Registry;
  readonly redis: Redis;
  /** Channels with a per-channel topic. */
  readonly channels: readonly string[];
  /** The Postgres pool (parts with a Postgres store). */
  readonly pool: pg.Pool;
  /** The hub's HTTP server (parts with routes). */
  readonly http: FastifyInstance;
  /** The Redis key prefix of a declared store, `{ns}:<prefix>:`. */
  store(prefix: string): string;
  consume(handle: (records: DecodedOf<I>[]) => Promise<void>, opts?: ConsumeOptions<I>): Promise<BatchConsumer>;
  publish<T extends O>(topic: T, records: KeyedRecord<TopicValues[T]>[]): Promise<void>;
  /** Several topics in one produce request; concurrent callers share requests (group commit). */
  publishBatch(batch: OutputBatch<O>): Promise<void>;
  /** A lease of this part, `ms` long; null when another instance holds it. */
  lease(name: string, ms: number): Promise<Lease | null>;
  /** Starts a declared timer; one instance of the part runs each tick (by lease). */
  every(timer: string, opts: TimerOptions): void;
  /** Runs at stop, after timers and consumers stopped (last registered, first run). */
  onStop(fn: () => Promise<void> | void): void;
}

export interface ContextInternals {
  stopAll(): Promise<void>;
  consumers: BatchConsumer[];
}

export function createContext<I extends TopicId, O extends TopicId>(def: AnyProcessorDefinition, rt: Runtime): ProcessorContext<I, O> & ContextInternals {
  const log = rt.log.child({ component: def.name });
  const outputs = new Set(Object.keys(def.outputs));
  const stores = new Set((def.stores ?? []).filter((s) => s.kind === 'redis').map((s) => s.prefix));
  const timers = new Set((def.timers ?? []).map((t) => t.name));
  const consumers: BatchConsumer[] = [];
  const ticks: { stop(): void }[] = [];
  const stoppers: (() => Promise<void> | void)[] = [];
  const warnUnknownChannel = (channel: string | undefined) => {
    if (channel !== undefined && !rt.channels.includes(channel)) log.error({ channel }, 'no such per-channel topic is configured; sending anyway');
  };

  const checkOutput = (topic: TopicId) => {
    if (!outputs.has(topic)) throw new Error(`${def.name} publishes ${topic}, which is not among its declared outputs`);
  };
  const writeBatch = batchWriter(rt.producer, rt.serde, rt.namespace, outputs as Set<TopicId>);

  return {
    name: def.name,
    namespace: rt.namespace,
    log,
    metrics: rt.metrics,
    redis: rt.redis,
    channels: rt.channels,
    get pool() {
      if (!rt.pool) throw new Error(`${def.name} needs Postgres, but the runtime has no pool`);
      return rt.pool;
    },
    get http() {
      if (!rt.http) throw new Error(`${def.name} serves routes, but the runtime has no HTTP server`);
      return rt.http;
    },
    store(prefix) {
      if (!stores.has(prefix)) throw new Error(`${def.name} uses Redis store "${prefix}", which it does not declare`);
      return redisPrefix(rt.namespace, prefix);
    },
    async consume(handle, opts = {}) {
      if (groupOf(def) === null) throw new Error(`${def.name} declares no inputs to consume`);
      const lane = consumerGroupsOf(def).find((g) => g.lane === (opts.lane ?? null));
      if (!lane) throw new Error(`${def.name} has no ${opts.lane ? `lane ${opts.lane}` : 'inputs outside its lanes'}`);
      const { group, topics: declared } = lane;
      const topics = (opts.topics ?? declared) as TopicId[];
      for (const t of topics) if (!declared.includes(t)) throw new Error(`${def.name} consumes ${t}, which is not among the inputs of group ${group}`);
      const consumer = await startBatchConsumer<I>({
        kafka: rt.kafka,
        serde: rt.serde,
        namespace: rt.namespace,
        group,
        topics: topics as I[],
        channels: rt.channels,
        log,
        producer: rt.producer,
        handle,
        partitionsConsumedConcurrently: opts.partitionsConsumedConcurrently,
      });
      consumers.push(consumer);
      return consumer;
    },
    async publish(topic, records) {
      checkOutput(topic);
      if ((TOPICS[topic] as TopicDefinition).perChannel) for (const r of records) warnUnknownChannel((r.value as { channel?: string }).channel);
      await publish(rt.producer, rt.serde, rt.namespace, topic, records);
    },
    publishBatch: (batch) => writeBatch(batch),
    lease(name, ms) {
      return acquireLease(rt.redis, `${redisPrefix(rt.namespace, def.name)}lease:${name}`, ms);
    },
    every(timer, opts) {
      if (!timers.has(timer)) throw new Error(`${def.name} starts timer "${timer}", which it does not declare`);
      ticks.push(
        startLeasedTick({
          name: timer,
          seconds: opts.seconds,
          when: opts.when,
          run: opts.run,
          // Not released: the lease spans the tick's interval, so no other instance ticks right after.
          lease: async (ms) => (await acquireLease(rt.redis, `${redisPrefix(rt.namespace, def.name)}lease:${timer}`, ms)) !== null,
          onError: (err) => log.warn({ err: err.message, timer }, 'timer tick failed; retrying next tick'),
        }),
      );
    },
    onStop(fn) {
      stoppers.push(fn);
    },
    consumers,
    async stopAll() {
      for (const t of ticks) t.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      for (const fn of stoppers.reverse()) await fn();
    },
  };
}
