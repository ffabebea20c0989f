import { createHmac, randomUUID } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { safeEqual } from '../../lib/safe-equal.js';
import type { InboundPush } from '../contract.js';
import { headerValue } from './headers.js';

/*
 * The source stamp (ours), for channels whose messages arrive on a signed connection rather than
 * signed one by one (Taobao TMC, Pinduoduo's message channel). The gateway also serves
 * POST /webhooks/<channel>/:shopId, and anything posted there must not pass as such a message.
 * So the source stamps each message it received on its authenticated connection with
 * HMAC-SHA256(shop secret, ts + "\n" + nonce + "\n" + body), and verify() checks the stamp, its
 * age (±5 min by default) and that its nonce was not seen before.
 */

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

export interface StampCheckOptions {
  /** Named in the refusal: "TMC connection", "PDD message connection". */
  connection: string;
  toleranceMs?: number;
  now?: number;
  replay?: ReplayGuard;
}

const defaultGuard = new ReplayGuard();

export function verifySourceStamp(push: InboundPush, secret: string, opts: StampCheckOptions): Result<void> {
  const ts = headerValue(push.headers, STAMP_HEADERS.timestamp);
  const nonce = headerValue(push.headers, STAMP_HEADERS.nonce);
  const sign = headerValue(push.headers, STAMP_HEADERS.sign);
  for (const h of [ts, nonce, sign]) if (!h.ok) return h;
  if (!ts.ok || !nonce.ok || !sign.ok || !ts.value || !nonce.value || !sign.value) {
    return { ok: false, reason: `missing source stamp: not a message received on the authenticated ${opts.connection}` };
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
