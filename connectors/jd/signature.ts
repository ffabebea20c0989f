import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { sortedMd5Sign } from '../common/sorted-md5-sign.js';
import type { InboundPush } from '../contract.js';
import { parseChinaTime } from './timestamp.js';

/*
 * JD Open Platform (JOS) request signing, for every API call (routerjson):
 *   sign = UPPER(hex(MD5( app_secret + k1v1k2v2… + app_secret )))
 * over all request parameters except sign, sorted by name, empty values skipped. The system
 * parameters are method, app_key, access_token, timestamp ("yyyy-MM-dd HH:mm:ss", China time)
 * and v ("2.0"); the business parameters travel as one JSON string, 360buy_param_json.
 * The simulator checks it (and the timestamp window) the way JOS would.
 *
 * JD has no order push here, so there is nothing from JD to verify on ingest. But a polled record
 * reaches the gateway's ingest path, which also serves the public webhook route; accepting any
 * body there would let anyone inject "JD orders". So the polling source seals each record it
 * fetched with an HMAC keyed by the shop's secret, and verify() accepts only sealed records.
 * The header name contains "hmac", so the gateway strips it before storing raw events.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;
export const SOURCE_SEAL_HEADER = 'x-omnistream-source-hmac';

export const jdSign: (params: Readonly<Record<string, string>>, secret: string) => string = sortedMd5Sign;

function equalText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** JOS-side check of a signed request, used by the simulator. */
export function verifyJdRequest(
  params: Readonly<Record<string, string>>,
  secret: string,
  nowMs: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Result<void> {
  const sign = params.sign;
  if (!sign) return { ok: false, reason: 'missing sign' };
  const ts = parseChinaTime('timestamp', params.timestamp ?? '');
  if (!ts.ok) return ts;
  const skew = Math.abs(nowMs - ts.value) / 1000;
  if (skew > toleranceSeconds) return { ok: false, reason: `timestamp is ${Math.round(skew)} s away from now (tolerance ${toleranceSeconds} s)` };
  if (!equalText(sign.toUpperCase(), jdSign(params, secret))) return { ok: false, reason: 'sign does not match the parameters' };
  return { ok: true, value: undefined };
}

export function sealPolledRecord(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Accepts only records sealed by this hub's own JD polling source (see above). */
export function verifyPolledRecord(push: InboundPush, secret: string): Result<void> {
  const values: string[] = [];
  for (const [name, value] of Object.entries(push.headers)) {
    if (name.toLowerCase() !== SOURCE_SEAL_HEADER || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length > 1) return { ok: false, reason: `multiple ${SOURCE_SEAL_HEADER} headers` };
  const given = values[0]?.trim();
  if (!given) return { ok: false, reason: `JD does not push orders: missing ${SOURCE_SEAL_HEADER} (only records polled by this hub are accepted)` };
  if (!equalText(given, sealPolledRecord(push.rawBody, secret))) return { ok: false, reason: `${SOURCE_SEAL_HEADER} does not match the body` };
  return { ok: true, value: undefined };
}
