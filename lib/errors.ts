import { type Failure, fail } from './result.js';

/**
 * Errors the hub raises on purpose: each has a stable `code` (for metrics and callers' branches,
 * never parsed from the message) and says whether the operation may succeed if tried again.
 */
export class OmnistreamError extends Error {
  override name = 'OmnistreamError';
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, opts: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.retryable = opts.retryable ?? false;
  }
}

/**
 * A remote API (a channel platform, a carrier, a WMS) answered with an error. `platformCode` is the
 * platform's own error code where it gives one; `status` the HTTP status where there was one.
 * Retryable as the client that knows the platform decides; by default, by the HTTP status only
 * (a business error answered with 200 is the request's own fault unless the client says otherwise).
 */
export class ApiError extends OmnistreamError {
  override name = 'ApiError';
  readonly api: string;
  readonly platformCode: string | undefined;
  readonly status: number | undefined;

  constructor(
    api: string,
    message: string,
    opts: { platformCode?: string | number; status?: number; retryable?: boolean; code?: string; cause?: unknown } = {},
  ) {
    super(opts.code ?? 'api_error', `${api}: ${message}`, {
      retryable: opts.retryable ?? (opts.status !== undefined && isRetryableStatus(opts.status)),
      cause: opts.cause,
    });
    this.api = api;
    this.platformCode = opts.platformCode === undefined ? undefined : String(opts.platformCode);
    this.status = opts.status;
  }
}

/** Throttling (429) and server errors (5xx) may pass; any other status is the request's own fault. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Whether an error of any origin is worth retrying: ours say so (topics/serde.ts's errors too,
 * by the same `retryable` property); network failures (fetch's TypeError, resets) are.
 */
export function isRetryable(err: unknown): boolean {
  const own: unknown = err instanceof Error ? Reflect.get(err, 'retryable') : undefined;
  if (typeof own === 'boolean') return own;
  return err instanceof TypeError || (err instanceof Error && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|aborted|timeout/i.test(err.message));
}

/** A caught error as the Failure it stands for: ours keep their code; retryable as isRetryable says. */
export function failureOf(err: unknown): Failure {
  const reason = err instanceof Error ? err.message : String(err);
  return fail(reason, { retryable: isRetryable(err), ...(err instanceof OmnistreamError ? { code: err.code } : {}) });
}
