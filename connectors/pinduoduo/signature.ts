import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { InboundPush, Outcome } from '../contract.js';

/*
 * Three schemes live here.
 *
 * 1. PDD API signing (the platform's own), for every pdd.* call:
 *      sign = UPPER(hex(MD5(client_secret + k1 + v1 + k2 + v2 … + client_secret)))
 *    over every parameter except `sign`, sorted by key, empty values left out. The simulator
 *    checks it like PDD's gateway, so a wrong secret gets PDD's error.
 *
 * 2. The message-channel connect signature (the platform's own), in the WebSocket path:
 *      /message/{client_id}/{timestamp_ms}/{urlencode(base64(lowercase hex md5(client_id + timestamp_ms + client_secret)))}
 *    (base64 of the 32 hex characters, not of the 16 raw digest bytes).
 *
 * 3. The source stamp (ours). PDD does not sign individual messages: authenticity comes from the
 *    signed connection over TLS. But the gateway also exposes POST /webhooks/pinduoduo/:shopId,
 *    and anything posted there must not pass as a PDD message. So the source stamps each message it received on its authenticated
 *    connection with HMAC-SHA256(shop secret, ts + "\n" + nonce + "\n" + body), and verify()
 *    checks the stamp, its age (±5 min by default) and that its nonce was not seen before.
 */

export function pddSign(params: Readonly<Record<string, string | undefined>>, secret: string): string {
  const body = Object.keys(params)
    .filter((k) => k !== 'sign' && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return createHash('md5').update(`${secret}${body}${secret}`, 'utf8').digest('hex').toUpperCase();
}

/** Constant-time comparison of two ASCII tokens (a length mismatch is a mismatch; lengths are public). */
export function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyPddSign(params: Readonly<Record<string, string | undefined>>, secret: string): boolean {
  const given = params.sign;
  return typeof given === 'string' && safeEqual(given.toUpperCase(), pddSign(params, secret));
}

export const STAMP_HEADERS = {
  timestamp: 'x-omnistream-source-ts',
  nonce: 'x-omnistream-source-nonce',
  sign: 'x-omnistream-source-sign',
} as const;

export const DEFAULT_TOLERANCE_MS = 5 * 60_000;

function stampMac(secret: string, ts: string, nonce: string, body: Buffer): string {
  return createHmac('sha256', secret).update(`${ts}\n${nonce}\n`).update(body).digest('hex');
}

export function stampHeaders(body: Buffer, secret: string, now = Date.now(), nonce: string = randomUUID()): Record<string, string> {
  const ts = String(now);
  return { [STAMP_HEADERS.timestamp]: ts, [STAMP_HEADERS.nonce]: nonce, [STAMP_HEADERS.sign]: stampMac(secret, ts, nonce, body) };
}

/** Remembers nonces for as long as their stamps are acceptable, so a captured push cannot be replayed. */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  constructor(private readonly windowMs = 2 * DEFAULT_TOLERANCE_MS) {}

  /** true the first time a nonce is offered, false afterwards (until it expires). */
  firstUse(nonce: string, now: number): boolean {
    for (const [key, expiry] of this.seen) if (expiry <= now) this.seen.delete(key);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now + this.windowMs);
    return true;
  }
}

function single(headers: InboundPush['headers'], name: string): Outcome<string | undefined> {
  const values: string[] = [];
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    values.push(...(Array.isArray(value) ? value : [value]));
  }
  if (values.length > 1) return { ok: false, reason: `multiple ${name} headers` };
  return { ok: true, value: values[0] };
}

export interface StampCheckOptions {
  toleranceMs?: number;
  now?: number;
  replay?: ReplayGuard;
}

const defaultGuard = new ReplayGuard();

export function verifySourceStamp(push: InboundPush, secret: string, opts: StampCheckOptions = {}): Outcome<void> {
  const ts = single(push.headers, STAMP_HEADERS.timestamp);
  const nonce = single(push.headers, STAMP_HEADERS.nonce);
  const sign = single(push.headers, STAMP_HEADERS.sign);
  for (const h of [ts, nonce, sign]) if (!h.ok) return h;
  if (!ts.ok || !nonce.ok || !sign.ok || !ts.value || !nonce.value || !sign.value) {
    return { ok: false, reason: 'missing source stamp: not a message received on the authenticated PDD message connection' };
  }
  if (!/^\d{1,16}$/.test(ts.value)) return { ok: false, reason: `malformed ${STAMP_HEADERS.timestamp}` };
  if (!safeEqual(sign.value, stampMac(secret, ts.value, nonce.value, push.rawBody))) {
    return { ok: false, reason: 'source stamp does not match the body' };
  }
  const now = opts.now ?? Date.now();
  const tolerance = opts.toleranceMs ?? DEFAULT_TOLERANCE_MS;
  if (Math.abs(now - Number(ts.value)) > tolerance) return { ok: false, reason: `source stamp is stale (outside ±${tolerance} ms)` };
  if (!(opts.replay ?? defaultGuard).firstUse(nonce.value, now)) return { ok: false, reason: 'source stamp nonce was already used (replay)' };
  return { ok: true, value: undefined };
}

export function connectSignature(clientId: string, timestampMs: string, secret: string): string {
  const hex = createHash('md5').update(`${clientId}${timestampMs}${secret}`, 'utf8').digest('hex');
  return Buffer.from(hex, 'utf8').toString('base64');
}

/** The path the client connects to; the simulator parses and checks it. */
export function connectPath(clientId: string, timestampMs: string, secret: string): string {
  return `/message/${encodeURIComponent(clientId)}/${timestampMs}/${encodeURIComponent(connectSignature(clientId, timestampMs, secret))}`;
}
