import { z } from 'zod';
import type { DivergenceType } from '../../topics/schemas/divergence-event.js';

const seconds = (defaultSeconds: number) => z.coerce.number().positive().default(defaultSeconds);

/**
 * Grace windows (seconds) per divergence type: a contradiction shorter than its window is normal
 * sync lag and never opens anything. Merge into lib/config.ts's env schema.
 */
export const divergenceEnvSchema = z.object({
  /** Warehouse shipped, channel not told: sync-back normally takes seconds to minutes. */
  OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS: seconds(30 * 60),
  /** Cancelled while picking: short, the parcel must be stopped before it leaves. */
  OMNISTREAM_DIVERGENCE_CANCELLED_IN_FULFILMENT_GRACE_SECONDS: seconds(2 * 60),
  OMNISTREAM_DIVERGENCE_PAID_NOT_SEEN_GRACE_SECONDS: seconds(10 * 60),
  /** Channels confirm delivery from their own tracking feed, often hours later. */
  OMNISTREAM_DIVERGENCE_DELIVERED_NOT_CONFIRMED_GRACE_SECONDS: seconds(6 * 3600),
  OMNISTREAM_DIVERGENCE_NO_CARRIER_SCAN_GRACE_SECONDS: seconds(12 * 3600),
  OMNISTREAM_DIVERGENCE_CONTRADICTION_GRACE_SECONDS: seconds(30 * 60),
  /**
   * How late one input topic may run behind another: a contradiction's end (and a late-revealed
   * one) is decided only this long after it, so that the order topics arrive in does not matter.
   */
  OMNISTREAM_DIVERGENCE_SETTLE_SECONDS: seconds(5),
  /** A divergence still open after this many grace windows is escalated to people. */
  OMNISTREAM_DIVERGENCE_ESCALATION_FACTOR: z.coerce.number().min(1).default(3),
  /**
   * A contradiction the hub learned of this long after it began, and that was already over by
   * then, is history (an import of old orders, a replay into a fresh namespace), not a divergence.
   * 0 records every one.
   */
  OMNISTREAM_DIVERGENCE_HISTORY_HORIZON_SECONDS: z.coerce
    .number()
    .min(0)
    .default(24 * 3600),
});

export interface DivergenceConfig {
  graceMs: Record<DivergenceType, number>;
  escalationFactor: number;
  settleMs: number;
  /** See OMNISTREAM_DIVERGENCE_HISTORY_HORIZON_SECONDS; 0: none. */
  historyHorizonMs: number;
}

export function divergenceConfigFrom(env: z.output<typeof divergenceEnvSchema>): DivergenceConfig {
  const s = (n: number) => Math.round(n * 1000);
  return {
    graceMs: {
      SHIPPED_NOT_SYNCED: s(env.OMNISTREAM_DIVERGENCE_SHIPPED_NOT_SYNCED_GRACE_SECONDS),
      CANCELLED_IN_FULFILMENT: s(env.OMNISTREAM_DIVERGENCE_CANCELLED_IN_FULFILMENT_GRACE_SECONDS),
      PAID_NOT_SEEN: s(env.OMNISTREAM_DIVERGENCE_PAID_NOT_SEEN_GRACE_SECONDS),
      DELIVERED_NOT_CONFIRMED: s(env.OMNISTREAM_DIVERGENCE_DELIVERED_NOT_CONFIRMED_GRACE_SECONDS),
      NO_CARRIER_SCAN: s(env.OMNISTREAM_DIVERGENCE_NO_CARRIER_SCAN_GRACE_SECONDS),
      CONTRADICTION: s(env.OMNISTREAM_DIVERGENCE_CONTRADICTION_GRACE_SECONDS),
    },
    escalationFactor: env.OMNISTREAM_DIVERGENCE_ESCALATION_FACTOR,
    settleMs: s(env.OMNISTREAM_DIVERGENCE_SETTLE_SECONDS),
    historyHorizonMs: s(env.OMNISTREAM_DIVERGENCE_HISTORY_HORIZON_SECONDS),
  };
}

/** The defaults, or the environment's values (a wrong value throws, naming the variable). */
export function loadDivergenceConfig(env: NodeJS.ProcessEnv = process.env): DivergenceConfig {
  return divergenceConfigFrom(divergenceEnvSchema.parse(env));
}

/** Every type with the same grace (tests). */
export function uniformDivergenceConfig(graceMs: number, settleMs = Math.min(5000, graceMs / 4), escalationFactor = 3): DivergenceConfig {
  return {
    graceMs: {
      SHIPPED_NOT_SYNCED: graceMs,
      CANCELLED_IN_FULFILMENT: graceMs,
      PAID_NOT_SEEN: graceMs,
      DELIVERED_NOT_CONFIRMED: graceMs,
      NO_CARRIER_SCAN: graceMs,
      CONTRADICTION: graceMs,
    },
    escalationFactor,
    settleMs,
    historyHorizonMs: 0,
  };
}
