import { createHash, createHmac } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { safeEqual } from '../../lib/safe-equal.js';
import { headerValue } from '../common/headers.js';
import type { InboundPush } from '../contract.js';

export { headerValue, safeEqual };

/*
 * Two Douyin signatures:
 *
 * PUSH (message service → us). Headers `app-id` (the app key) and
 *   event-sign = lower-hex md5(app_key + raw body + app_secret)
 * (minibear2021/doudian core.py callback(); zsmhub/doudian-sdk message/doudian_sign.go).
 * No timestamp and no nonce are signed, so a push cannot be judged stale here: replays are
 * caught by dedupe (msg_id, deterministic eventId). A `sign-method` header other than md5 is
 * refused, because no public source shows how Douyin would sign a push with it (README).
 *
 * OPEN API (us → Douyin, used by pull()). Query parameters app_key, method, access_token,
 * timestamp, v=2, sign_method, sign; the body is param_json. With sign_method=hmac-sha256:
 *   sign = hex(HMAC-SHA256(key = app_secret,
 *          app_secret + "app_key"+k + "method"+m + "param_json"+p + "timestamp"+t + "v2" + app_secret))
 * and with sign_method=md5, md5 of the same pattern (zsmhub/doudian-sdk utils/sign_util.go,
 * core/doudian_op_api_client.go; minibear2021/doudian core.py _sign()).
 */

export const APP_ID_HEADER = 'app-id';
export const EVENT_SIGN_HEADER = 'event-sign';
export const SIGN_METHOD_HEADER = 'sign-method';

export function md5Hex(text: string | Buffer): string {
  return createHash('md5').update(text).digest('hex');
}

/** event-sign for a push body: md5(app_key + body + app_secret), lower-case hex. */
export function signDouyinPush(body: Buffer | string, appKey: string, appSecret: string): string {
  return md5Hex(Buffer.concat([Buffer.from(appKey, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from(appSecret, 'utf8')]));
}

export function verifyDouyinPush(push: InboundPush, appKey: string, appSecret: string): Result<void> {
  const appId = headerValue(push.headers, APP_ID_HEADER);
  if (!appId.ok) return appId;
  if (!appId.value?.trim()) return { ok: false, reason: `missing ${APP_ID_HEADER} header` };
  if (!safeEqual(appId.value.trim(), appKey)) return { ok: false, reason: `${APP_ID_HEADER} is not this shop's app key` };

  const method = headerValue(push.headers, SIGN_METHOD_HEADER);
  if (!method.ok) return method;
  if (method.value !== undefined && method.value.trim().toLowerCase() !== 'md5') {
    return { ok: false, reason: `unsupported ${SIGN_METHOD_HEADER} "${method.value}"` };
  }

  const sign = headerValue(push.headers, EVENT_SIGN_HEADER);
  if (!sign.ok) return sign;
  const given = sign.value?.trim().toLowerCase();
  if (!given) return { ok: false, reason: `missing ${EVENT_SIGN_HEADER} header` };
  if (!safeEqual(given, signDouyinPush(push.rawBody, appKey, appSecret))) {
    return { ok: false, reason: `${EVENT_SIGN_HEADER} does not match the body` };
  }
  return { ok: true, value: undefined };
}

// ---------------------------------------------------------------------------------------------
// Open API request signing

export type DouyinSignMethod = 'hmac-sha256' | 'md5';

/** Recursively key-sorted JSON without HTML escaping, as the Go SDK's utils.Marshal produces. */
export function canonicalParamJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalParamJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalParamJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface DouyinApiSignInput {
  appKey: string;
  appSecret: string;
  /** "order.searchList": the URL path with "/" → ".". */
  method: string;
  paramJson: string;
  /** As sent in the query string (epoch seconds in the official Go SDK). */
  timestamp: string;
  signMethod?: DouyinSignMethod;
}

export function signDouyinApiRequest(input: DouyinApiSignInput): string {
  const pattern = `app_key${input.appKey}method${input.method}param_json${input.paramJson}timestamp${input.timestamp}v2`;
  const wrapped = `${input.appSecret}${pattern}${input.appSecret}`;
  return (input.signMethod ?? 'hmac-sha256') === 'md5' ? md5Hex(wrapped) : createHmac('sha256', input.appSecret).update(wrapped, 'utf8').digest('hex');
}

export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

/** The timestamp check the simulator applies to API requests (±tolerance, default 5 min). */
export function checkApiTimestamp(timestamp: string, now: number, toleranceMs = DEFAULT_TOLERANCE_MS): Result<number> {
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `timestamp "${timestamp}" is not epoch seconds` };
  const ms = Number(timestamp) * 1000;
  if (Math.abs(now - ms) > toleranceMs) return { ok: false, reason: `timestamp ${timestamp} is outside ±${toleranceMs / 1000}s` };
  return { ok: true, value: ms };
}
