import { createHash } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { sortedMd5Sign, verifySortedMd5Sign } from '../common/sorted-md5-sign.js';
import { type StampCheckOptions, verifySourceStamp as verifyStamp } from '../common/source-stamp.js';
import type { InboundPush } from '../contract.js';

export { safeEqual } from '../common/sorted-md5-sign.js';
export { DEFAULT_TOLERANCE_MS, ReplayGuard, STAMP_HEADERS, stampHeaders } from '../common/source-stamp.js';

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

export const pddSign = sortedMd5Sign;
export const verifyPddSign = verifySortedMd5Sign;

export function verifySourceStamp(push: InboundPush, secret: string, opts: Omit<StampCheckOptions, 'connection'> = {}): Result<void> {
  return verifyStamp(push, secret, { ...opts, connection: 'PDD message connection' });
}

export function connectSignature(clientId: string, timestampMs: string, secret: string): string {
  const hex = createHash('md5').update(`${clientId}${timestampMs}${secret}`, 'utf8').digest('hex');
  return Buffer.from(hex, 'utf8').toString('base64');
}

/** The path the client connects to; the simulator parses and checks it. */
export function connectPath(clientId: string, timestampMs: string, secret: string): string {
  return `/message/${encodeURIComponent(clientId)}/${timestampMs}/${encodeURIComponent(connectSignature(clientId, timestampMs, secret))}`;
}
