/** Retry policy for retryable platform failures. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseMs: 200, maxMs: 5_000 };

/**
 * Wait before attempt `attempt + 1`: exponential (base · 2^(attempt−1), capped at max) with
 * "equal jitter" (half fixed, half random), so retries of many commands after one platform
 * outage spread out instead of arriving together, yet never retry immediately.
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}
