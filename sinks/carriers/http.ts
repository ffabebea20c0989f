import type { WaybillResult } from './contract.js';

export type HttpAnswer = { ok: true; status: number; text: string } | { ok: false; result: WaybillResult };

/**
 * One POST to a carrier with a timeout. Network errors, timeouts, 429 and 5xx are retryable
 * (the carrier is idempotent on the order id); any other non-2xx is final.
 */
export async function postToCarrier(url: string, init: { headers: Record<string, string>; body: string }, timeoutMs: number): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const e = err as Error;
    const why = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : e.message;
    return { ok: false, result: { ok: false, reason: `carrier unreachable: ${why}`, retryable: true } };
  }
  const text = await res.text().catch(() => '');
  if (res.status === 429 || res.status >= 500) return { ok: false, result: { ok: false, reason: `carrier answered HTTP ${res.status}`, retryable: true } };
  if (res.status >= 300) return { ok: false, result: { ok: false, reason: `carrier answered HTTP ${res.status}: ${text.slice(0, 200)}`, retryable: false } };
  return { ok: true, status: res.status, text };
}

/** A carrier answer we cannot read: final (asking again would get the same answer). */
export function unreadable(carrier: string, text: string): WaybillResult {
  return { ok: false, reason: `unreadable ${carrier} answer: ${text.slice(0, 200)}`, retryable: false };
}
