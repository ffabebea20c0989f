import { z } from 'zod';
import { defineProcessor } from '../../lib/processor/definition.js';
import type { Running } from '../../lib/processor/run.js';
import { rulesPathSetting } from '../routing/processor.js';
import { placeShipment } from './classify.js';
import { memberOf, wavedEvents } from './core.js';
import { loadWaveRules, type WaveRules } from './rules.js';
import { RedisWaveStore } from './store.js';

export interface WavePlannerOptions {
  rules: WaveRules;
  /** The planner's clock (epoch ms); tests inject it to stand at midnight without waiting. */
  now?: () => number;
  /** How often due waves are released. Default 1 s. */
  tickSeconds?: number;
}

/** Long enough for a slow publish; a crashed holder's lease lapses and another instance republishes (same ids). */
const FLUSH_LEASE_MS = 30_000;

/**
 * The wave rules (core.ts) in their Kafka/Redis shell. A shipment batch is placed (classify.ts)
 * and added by compare-and-set per wave base, which remembers each shipment, so a redelivered one
 * joins nothing; then offsets are committed. Releasing moves due waves to an outbox in Redis, also
 * by compare-and-set; the outbox is published (acks=all) and only then emptied, so a crash in
 * between republishes the same WAVED events.
 */
export const wavePlanner = defineProcessor({
  name: 'waves',
  kind: 'processor',
  summary: 'picking waves per warehouse by cut-off, region group and category; presale batches on their ship day',
  inputs: { warehouseOrders: 'places each routed parcel in its wave (cut-off window, region group, category; presale by ship day)' },
  outputs: { fulfilmentEvents: 'writes one WAVED event per shipment when its wave is released (flagged, with the reason, for the catch-all wave)' },
  stores: [{ prefix: 'waves', kind: 'redis', holds: 'a versioned plan per wave base, wave members, shipments already waved, the outbox of released waves' }],
  timers: [{ name: 'release', every: 'every second', does: 'releases waves whose time has come and publishes the outbox' }],
  env: z.object({ OMNISTREAM_ROUTING_RULES: rulesPathSetting }),
  options: (env): WavePlannerOptions => ({ rules: loadWaveRules(env.OMNISTREAM_ROUTING_RULES) }),
  async start(ctx, opts: WavePlannerOptions) {
    const store = new RedisWaveStore(ctx.redis, ctx.namespace);
    const clock = opts.now ?? Date.now;

    // One flush at a time in this process; the Redis lease keeps other instances out.
    let flushing: Promise<number> = Promise.resolve(0);
    const flush = (): Promise<number> => {
      const run = async (): Promise<number> => {
        const lease = await ctx.lease('flush', FLUSH_LEASE_MS);
        if (!lease) return 0;
        let published = 0;
        try {
          for (;;) {
            const waves = await store.outbox();
            if (waves.length === 0) break;
            const events = waves.flatMap((w) => wavedEvents(w.waveId, w.releasedAt, w.members));
            if (events.length > 0)
              await ctx.publish(
                'fulfilmentEvents',
                events.map((e) => ({ key: e.orderKey, value: e })),
              );
            await store.published(waves.map((w) => w.waveId));
            published += events.length;
          }
        } finally {
          await lease.release();
        }
        return published;
      };
      flushing = flushing.then(run, run);
      return flushing;
    };

    const releaseDue = async (now = clock()): Promise<number> => {
      await store.release(now);
      return flush();
    };

    await ctx.consume(async (records) => {
      const now = clock();
      const items = records.map((r) => {
        const placement = placeShipment(r.value, opts.rules, now);
        if (placement.flagged) ctx.log.info({ shipmentId: r.value.shipmentId, reason: placement.reason }, 'shipment goes to the catch-all wave');
        return { member: memberOf(r.value, placement), placement };
      });
      await store.add(items, opts.rules.maxSize);
      // Waves that filled up are due now: release them without waiting for the tick.
      await releaseDue(now);
    });

    ctx.every('release', { seconds: opts.tickSeconds ?? 1, run: () => releaseDue() });
    ctx.onStop(async () => {
      await flushing.catch(() => 0);
    });
    /** Releases the waves due at `now` and publishes every released wave; returns the WAVED events written. */
    return { releaseDue };
  },
});

export type WavePlanner = Running<{ releaseDue(now?: number): Promise<number> }>;
