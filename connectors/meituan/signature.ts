import { createHash, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import type { InboundPush } from '../contract.js';
import { type FormFields, pushFields } from './form.js';

/*
 * Meituan Waimai signs API requests AND its pushes the same way:
 *
 *   sig = lower(hex(md5( url + "?" + k1=v1&k2=v2… (every parameter but sig, sorted by name,
 *                        values fully URL-decoded) + app_secret )))
 *
 * where url is scheme://host/path WITHOUT the query: for an API call the endpoint
 * (https://waimaiopen.meituan.com/api/v1/order/getOrderDetail), for a push the callback URL the
 * merchant registered with Meituan. The parameters include the system ones, app_id and timestamp
 * (epoch seconds). See README "Sources" for the evidence and what is unverified.
 *
 * The callback URL cannot be read from the request reliably (proxies rewrite host and scheme), and
 * InboundPush does not carry it anyway: it is configured per shop as credentials.pushUrl.
 */

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function sortedParamString(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((k) => k !== 'sig')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function meituanSig(url: string, params: Readonly<Record<string, string>>, secret: string): string {
  return createHash('md5')
    .update(`${url}?${sortedParamString(params)}${secret}`, 'utf8')
    .digest('hex');
}

/** Lower-case hex compare in constant time (Meituan sends lower case; upper case is tolerated). */
export function sigMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given.trim().toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SigCheck {
  url: string;
  secret: string;
  /** When set, the app_id parameter must equal it. */
  appId?: string;
  nowMs: number;
  toleranceSeconds?: number;
}

/** Checks sig, app_id and the timestamp window over already-decoded parameters. */
export function verifyMeituanParams(fields: FormFields, check: SigCheck): Result<void> {
  const sig = fields.sig;
  if (!sig) return { ok: false, reason: 'missing sig parameter' };
  const timestamp = fields.timestamp;
  if (!timestamp) return { ok: false, reason: 'missing timestamp parameter' };
  if (!/^\d{9,11}$/.test(timestamp)) return { ok: false, reason: `timestamp is not epoch seconds: "${timestamp.slice(0, 20)}"` };
  if (check.appId !== undefined && fields.app_id !== check.appId) return { ok: false, reason: "app_id is not this shop's app" };
  const tolerance = check.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const skew = Math.abs(check.nowMs / 1000 - Number(timestamp));
  if (skew > tolerance) return { ok: false, reason: `timestamp is ${Math.round(skew)} s away from now (tolerance ${tolerance} s)` };
  if (!sigMatches(sig, meituanSig(check.url, fields, check.secret))) return { ok: false, reason: 'sig does not match the parameters' };
  return { ok: true, value: undefined };
}

export interface MeituanCredentials {
  appId?: string;
  pushUrl: string;
  toleranceSeconds?: number;
}

export function meituanCredentials(credentials: Readonly<Record<string, string>> | undefined): Result<MeituanCredentials> {
  const pushUrl = credentials?.pushUrl;
  if (!pushUrl) return { ok: false, reason: 'shop is missing credentials.pushUrl (the callback URL registered with Meituan)' };
  const tolerance = credentials?.timestampToleranceSeconds;
  if (tolerance !== undefined && !/^\d+$/.test(tolerance)) return { ok: false, reason: 'credentials.timestampToleranceSeconds is not a whole number' };
  return {
    ok: true,
    value: { appId: credentials?.appId, pushUrl: pushUrl.split('?')[0]!, toleranceSeconds: tolerance === undefined ? undefined : Number(tolerance) },
  };
}

/** The push check: form + query parsed and decoded, then verifyMeituanParams against the configured callback URL. */
export function verifyMeituanPush(push: InboundPush, shop: { secret: string; credentials?: Readonly<Record<string, string>> }): Result<void> {
  const creds = meituanCredentials(shop.credentials);
  if (!creds.ok) return creds;
  const fields = pushFields(push);
  if (!fields.ok) return fields;
  return verifyMeituanParams(fields.value, {
    url: creds.value.pushUrl,
    secret: shop.secret,
    appId: creds.value.appId,
    nowMs: push.receivedAt,
    toleranceSeconds: creds.value.toleranceSeconds,
  });
}
