import type { StockApi } from '../../connectors/stock-api.js';

/*
 * Which write brings a listing to its target, given what the platform offers and what was pushed
 * before. Pure.
 *
 * Increments are preferred where the platform keeps idempotency keys: a platform decrements its
 * listing itself when it sells, so a full set would overwrite sales the hub has not seen yet. The
 * delta is the change of the target plus the change of `hubSold` (the units the channel already
 * took off the listing for orders the hub has seen): a sale the hub learns of lowers the target by
 * the units the channel already took, and must not be taken off twice.
 */

/** What the pusher wants the listing to show. */
export interface Want {
  seq: number;
  target: number;
  hubSold: number;
}

/** The last push that the platform applied. */
export interface Pushed {
  seq: number;
  target: number;
  hubSold: number;
  /** Whether an absolute value has ever been established on the platform (a set, or a read + increment). */
  baselined: boolean;
}

export type Write =
  | { write: 'SET'; quantity: number }
  | { write: 'INCREMENT'; delta: number }
  /** Read the listing first, then increment by target − read (increment-only platforms without a baseline). */
  | { write: 'READ_THEN_INCREMENT' }
  | { write: 'NONE' };

/** Increments are the write of choice when the platform dedupes them, or when it offers nothing else. */
export function prefersIncrements(api: StockApi): boolean {
  return api.writes.includes('INCREMENT') && (api.idempotentIncrements || !api.writes.includes('SET'));
}

export function planWrite(api: StockApi, want: Want, pushed: Pushed | null): Write {
  if (!prefersIncrements(api)) return { write: 'SET', quantity: want.target };
  if (!pushed?.baselined) return api.writes.includes('SET') ? { write: 'SET', quantity: want.target } : { write: 'READ_THEN_INCREMENT' };
  const delta = want.target - pushed.target + (want.hubSold - pushed.hubSold);
  return delta === 0 ? { write: 'NONE' } : { write: 'INCREMENT', delta };
}

/**
 * After a failure whose effect is unknown (a timeout): may the same write be sent again? Always
 * when the platform dedupes by key, and always for a set. A non-deduped increment is sent again
 * only when it reduces (applied twice, the listing shows too little, never too much); an increase
 * is taken as applied (if it was not, the listing shows too little).
 */
export function mayResend(api: StockApi, write: Write): boolean {
  if (write.write !== 'INCREMENT') return true;
  return api.idempotentIncrements || write.delta < 0;
}

/** The write that re-asserts the target after a read-back showed `actual` (more than the target). */
export type Reassert = { write: 'CAS'; expected: number; quantity: number } | { write: 'SET'; quantity: number } | { write: 'INCREMENT'; delta: number };

export function reassertWrite(api: StockApi, target: number, actual: number): Reassert {
  if (api.writes.includes('CAS')) return { write: 'CAS', expected: actual, quantity: target };
  if (api.writes.includes('SET')) return { write: 'SET', quantity: target };
  return { write: 'INCREMENT', delta: target - actual };
}
