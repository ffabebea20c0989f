import type { Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import { startBatchConsumer } from '../../lib/batch-consumer.js';
import { startLeasedTick } from '../../lib/leased-tick.js';
import type { Logger } from '../../lib/logger.js';
import { publish } from '../../lib/publish.js';
import type { Shipment } from '../../topics/schemas/shipment.js';
import type { TopicSerde } from '../../topics/serde.js';
import { placeShipment } from './classify.js';
import { memberOf, wavedEvents } from './core.js';
import type { WaveRules } from './rules.js';
import { RedisWaveStore } from './store.js';
import { WAVES_GROUP, WAVES_INPUTS, WAVES_OUTPUT } from './topology.js';

export interface WavePlannerDeps {
  kafka: Kafka;
  serde: TopicSerde;
  redis: Redis;
  producer: Producer;
  namespace: string;
  log: Logger;
  rules: WaveRules;
  /** The planner's clock (epoch ms); tests inject it to stand at midnight without waiting. */
  now?: () => number;
  /** How often due waves are released. Default 1 s. */
  tickSeconds?: number;
}

export interface WavePlanner {
  /** Releases the waves due at `now` and publishes every released wave; returns the WAVED events written. */
  releaseDue(now?: number): Promise<number>;
  disconnect(): Promise<void>;
}

/** Long enough for a slow publish; a crashed holder's lease lapses and another instance republishes (same ids). */
const FLUSH_LEASE_MS = 30_000;

/**
 * The Kafka/Redis shell around the wave rules. A shipment batch is placed (classify.ts) and added
 * in one atomic Lua step, which remembers each shipment, so a redelivered one joins nothing; then
 * offsets are committed. Releasing moves due waves to an outbox in Redis; the outbox is published
 * (acks=all) and only then emptied, so a crash in between republishes the same WAVED events.
 */
export async function startWavePlanner(deps: WavePlannerDeps): Promise<WavePlanner> {
  const store = new RedisWaveStore(deps.redis, deps.namespace);
  const clock = deps.now ?? Date.now;

  // One flush at a time in this process; the Redis lease keeps other instances out.
  let flushing: Promise<number> = Promise.resolve(0);
  const flush = (): Promise<number> => {
    const run = async (): Promise<number> => {
      const unlease = await store.lease('flush', FLUSH_LEASE_MS);
      if (!unlease) return 0;
      let published = 0;
      try {
        for (;;) {
          const waves = await store.outbox();
          if (waves.length === 0) break;
          const events = waves.flatMap((w) => wavedEvents(w.waveId, w.releasedAt, w.members));
          if (events.length > 0) await publish(deps.producer, deps.serde, deps.namespace, WAVES_OUTPUT, events.map((e) => ({ key: e.orderKey, value: e })));
          await store.published(waves.map((w) => w.waveId));
          published += events.length;
        }
      } finally {
        await unlease();
      }
      return published;
    };
    flushing = flushing.then(run, run);
    return flushing;
  };

  const releaseDue = async (now = clock()): Promise<number> => {
    while ((await store.release(now)) > 0) { /* releases in chunks of 1000 waves */ }
    return flush();
  };

  const consumer = await startBatchConsumer({
    kafka: deps.kafka, serde: deps.serde, namespace: deps.namespace, group: WAVES_GROUP, topics: [...WAVES_INPUTS],
    log: deps.log, producer: deps.producer,
    handle: async (records) => {
      const now = clock();
      const items = records.map((r) => {
        const s = r.value as Shipment;
        const placement = placeShipment(s, deps.rules, now);
        if (placement.flagged) deps.log.info({ shipmentId: s.shipmentId, reason: placement.reason }, 'shipment goes to the catch-all wave');
        return { member: memberOf(s, placement), placement };
      });
      await store.add(items, deps.rules.maxSize);
      // Waves that filled up are due now: release them without waiting for the tick.
      await releaseDue(now);
    },
  });

  const tickSeconds = deps.tickSeconds ?? 1;
  const timer = startLeasedTick({
    name: 'tickSeconds', seconds: tickSeconds, lease: async (ms) => (await store.lease('tick', ms)) !== null, run: () => releaseDue(),
    onError: (err) => deps.log.warn({ err: err.message }, 'wave release failed; retrying next tick'),
  });

  return {
    releaseDue,
    async disconnect() {
      timer.stop();
      await consumer.disconnect();
      await flushing.catch(() => 0);
    },
  };
}
