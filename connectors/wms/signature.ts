import { createHmac } from 'node:crypto';
import { ok, type Result } from '../../lib/result.js';
import { safeEqual } from '../../lib/safe-equal.js';

export const SIGNATURE_HEADER = 'x-wms-signature';
export const TIMESTAMP_HEADER = 'x-wms-timestamp';
/** How far a request's timestamp may be from the receiver's clock: older ones are replays. */
export const MAX_SKEW_MS = 5 * 60_000;

/**
 * HMAC-SHA256 (hex) over `<timestamp>.<raw body>`: the timestamp is signed with the body, so a
 * captured request cannot be replayed later with a fresh timestamp.
 */
export function wmsSignature(secret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** Headers for a signed request, either direction (WMS → hub scans, hub → WMS intercepts). */
export function signedHeaders(secret: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  return { 'content-type': 'application/json', [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: wmsSignature(secret, timestamp, body) };
}

export function verifyWmsSignature(secret: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer, now = Date.now()): Result {
  const signature = headers[SIGNATURE_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  if (typeof signature !== 'string' || signature === '') return { ok: false, reason: `missing ${SIGNATURE_HEADER} header` };
  if (typeof timestamp !== 'string' || !/^\d{10,16}$/.test(timestamp))
    return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER} header (epoch ms)` };
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_MS)
    return { ok: false, reason: `${TIMESTAMP_HEADER} is more than ${MAX_SKEW_MS / 60_000} minutes from the hub's clock (replay?)` };
  if (!safeEqual(signature.toLowerCase(), wmsSignature(secret, timestamp, rawBody))) return { ok: false, reason: 'signature does not match' };
  return ok();
}
