import { setTimeout as sleep } from 'node:timers/promises';
import { isRetryable } from './errors.js';

/**
 * How a failed call is tried again: exponential backoff with jitter, a number of attempts and an
 * optional overall budget. The one retry vocabulary of the hub (platform calls, carrier calls,
 * WMS calls, reconnecting sources).
 */
export interface RetryPolicy {
  /** Attempts in all, the first included (Infinity: until stopped, for reconnecting sources). */
  attempts: number;
  /** Wait before the 2nd attempt; doubled each time… */
  baseMs: number;
  /** …up to this. */
  maxMs: number;
  /** Attempts and waits together end within this (a consumer batch must move on). Default: none. */
  budgetMs?: number;
}

/**
 * The wait before attempt `attempt + 1` (after `attempt` failures, attempt ≥ 1): base · 2^(attempt−1),
 * capped, with "equal jitter" (half fixed, half random): retries of many callers after one outage
 * spread out, yet none retries at once.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** After `attempt` failures: is another one allowed, given the time already spent and the next wait? */
export function mayRetry(policy: RetryPolicy, attempt: number, elapsedMs: number, nextDelayMs: number): boolean {
  return attempt < policy.attempts && (policy.budgetMs === undefined || elapsedMs + nextDelayMs < policy.budgetMs);
}

export interface RetryHooks<T> {
  /** Whether a resolved value is a failure worth retrying (e.g. a Result with retryable: true). Default: never. */
  retryOn?(value: T): boolean;
  /** Whether a thrown error is worth retrying. Default: isRetryable. */
  retryOnError?(err: unknown): boolean;
  /** Called before each wait, with the failed attempt's number (1-based) and the wait. */
  onRetry?(attempt: number, delayMs: number, failure: { value?: T; error?: unknown }): void | Promise<void>;
  /** Injected for tests. */
  sleep?(ms: number): Promise<unknown>;
  random?(): number;
  now?(): number;
}

/**
 * Runs `call` until it succeeds, fails for good, or the policy is spent; returns the last value
 * (or throws the last error). Retry decisions are the caller's through `retryOn` / `retryOnError`.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  call: (attempt: number) => Promise<T>,
  hooks: RetryHooks<T> = {},
): Promise<{ value: T; attempts: number }> {
  const now = hooks.now ?? Date.now;
  const wait = hooks.sleep ?? sleep;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    let failure: { value?: T; error?: unknown };
    try {
      const value = await call(attempt);
      if (!(hooks.retryOn?.(value) ?? false)) return { value, attempts: attempt };
      failure = { value };
    } catch (error) {
      if (!(hooks.retryOnError ?? isRetryable)(error)) throw error;
      failure = { error };
    }
    const delay = backoffDelay(attempt, policy, hooks.random);
    if (!mayRetry(policy, attempt, now() - started, delay)) {
      if ('error' in failure) throw failure.error;
      return { value: failure.value as T, attempts: attempt };
    }
    await hooks.onRetry?.(attempt, delay, failure);
    await wait(delay);
  }
}
