import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { decryptKuaishouBody, messageKeyOf } from './crypto.js';

/*
 * Authenticity, two directions.
 *
 * PUSH (Kuaishou → us). Kuaishou signs nothing in headers: a message is authentic because only
 * Kuaishou and the app hold the message secret that encrypts it. So verify() = the body decrypts
 * (AES/CBC/PKCS5, padding checked) to JSON whose `appKey` is this shop's app, whose `userId`
 * is this shop's seller (when the shop configures sellerId: one app serves many sellers, so a
 * message captured for seller A would decrypt fine at seller B's URL), and whose `createTime` is
 * recent. There is no nonce: retries of a message carry the same eventId and, downstream, the same
 * deterministic OrderEvent id, so a replay inside the window is stored once.
 *
 * The age window is NOT the usual ±5 min: Kuaishou retries an unacknowledged message 5 times
 * (5/10/20/30/60 min later, 125 min in all) with its original createTime, so a 5-minute window would
 * refuse every retry and lose the order. Default: 3 hours old at most, 5 minutes in the future at
 * most; both configurable per shop (credentials.pushMaxAgeSeconds, credentials.clockSkewSeconds).
 *
 * API (us → Kuaishou, for pull()): sign = MD5(sorted "k=v&…" of the common parameters +
 * "&signSecret=" + signSecret), lower-case hex; or signMethod=HMAC_SHA256: base64(HMAC-SHA256(key =
 * signSecret, same text)). Per Kuaishou's "API调用说明" (doc 401853).
 */

export const DEFAULT_PUSH_MAX_AGE_MS = 3 * 60 * 60 * 1000;
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface PushWindow {
  maxAgeMs: number;
  maxFutureMs: number;
}

function seconds(shop: ShopConfig, name: string, fallbackMs: number): number {
  const raw = shop.credentials?.[name];
  if (raw === undefined) return fallbackMs;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : fallbackMs;
}

export function pushWindowOf(shop: ShopConfig): PushWindow {
  return {
    maxAgeMs: seconds(shop, 'pushMaxAgeSeconds', DEFAULT_PUSH_MAX_AGE_MS),
    maxFutureMs: seconds(shop, 'clockSkewSeconds', DEFAULT_CLOCK_SKEW_MS),
  };
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Unequal lengths are a mismatch; timingSafeEqual would throw on them.
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Decrypts the body with the shop's message secret (ShopConfig.secret). Shared by verify and decode. */
export function decryptPush(push: InboundPush, shop: ShopConfig): Result<string> {
  const key = messageKeyOf(shop.secret);
  if (!key.ok) return key;
  return decryptKuaishouBody(push.rawBody, key.value);
}

interface EnvelopeClaims {
  appKey?: unknown;
  userId?: unknown;
  createTime?: unknown;
}

export function verifyKuaishouPush(push: InboundPush, shop: ShopConfig, now = Date.now()): Result<void> {
  const plain = decryptPush(push, shop);
  if (!plain.ok) return plain;
  let claims: EnvelopeClaims;
  try {
    const parsed: unknown = JSON.parse(plain.value);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    claims = parsed as EnvelopeClaims;
  } catch {
    return { ok: false, reason: 'decrypted Kuaishou message is not a JSON object' };
  }

  const expectedAppKey = shop.credentials?.appKey;
  if (!expectedAppKey) return { ok: false, reason: 'shop has no credentials.appKey to check the message against' };
  if (typeof claims.appKey !== 'string' || !constantTimeEqual(claims.appKey, expectedAppKey)) {
    return { ok: false, reason: "Kuaishou message appKey is not this shop's app" };
  }

  const sellerId = shop.credentials?.sellerId;
  if (sellerId !== undefined && String(claims.userId) !== sellerId) {
    return { ok: false, reason: "Kuaishou message userId is not this shop's seller" };
  }

  if (typeof claims.createTime !== 'number' || !Number.isSafeInteger(claims.createTime)) {
    return { ok: false, reason: 'Kuaishou message has no createTime' };
  }
  const { maxAgeMs, maxFutureMs } = pushWindowOf(shop);
  if (now - claims.createTime > maxAgeMs) return { ok: false, reason: 'stale Kuaishou message (createTime beyond the retry window)' };
  if (claims.createTime - now > maxFutureMs) return { ok: false, reason: 'Kuaishou message createTime is in the future' };
  return { ok: true, value: undefined };
}

// ───────────────────────── API request signing (pull / simulator) ─────────────────────────

export type SignMethod = 'MD5' | 'HMAC_SHA256';

/** The parameters Kuaishou signs: everything sent except `sign`, sorted by key, joined "k=v&…". */
export function signingText(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
}

export function signKuaishouRequest(params: Readonly<Record<string, string>>, signSecret: string, method: SignMethod = 'MD5'): string {
  const text = `${signingText(params)}&signSecret=${signSecret}`;
  if (method === 'HMAC_SHA256') return createHmac('sha256', signSecret).update(text, 'utf8').digest('base64');
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** The platform side (simulator): recompute and compare in constant time. */
export function verifyKuaishouRequest(params: Readonly<Record<string, string>>, signSecret: string): Result<void> {
  const given = params.sign;
  if (!given) return { ok: false, reason: 'missing sign' };
  const method = params.signMethod;
  if (method !== 'MD5' && method !== 'HMAC_SHA256') return { ok: false, reason: `unsupported signMethod "${method ?? ''}"` };
  if (!constantTimeEqual(given, signKuaishouRequest(params, signSecret, method))) return { ok: false, reason: 'sign mismatch' };
  return { ok: true, value: undefined };
}
