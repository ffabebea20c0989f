/**
 * The one success-or-failure shape. A failure carries a reason a person can read (never a quote of
 * buyer data), and, where it matters to the caller, a stable `code` and whether trying again can help.
 */
export type Result<T = void> = Ok<T> | Failure;

export interface Ok<T> {
  ok: true;
  value: T;
}

export interface Failure {
  ok: false;
  reason: string;
  /** A stable, low-cardinality name for the failure (metrics labels, dashboards), e.g. "signature". */
  code?: string;
  /** True when the same call may succeed later (timeouts, 5xx, rate limits). */
  retryable?: boolean;
}

export function ok(): Ok<void>;
export function ok<T>(value: T): Ok<T>;
export function ok<T>(value?: T): Ok<T | undefined> {
  return { ok: true, value };
}

export function fail(reason: string, extra: { code?: string; retryable?: boolean } = {}): Failure {
  return { ok: false, reason, ...extra };
}

/** A failure that trying again may cure (a timeout, a 5xx, a rate limit). */
export const transient = (reason: string): Failure => ({ ok: false, reason, retryable: true });

/** A failure that no retry cures (a refusal, a misconfiguration). */
export const permanent = (reason: string): Failure => ({ ok: false, reason, retryable: false });
