import type { Result } from '../../lib/result.js';
import { sortedMd5Sign, verifySortedMd5Sign } from '../common/sorted-md5-sign.js';
import { type StampCheckOptions, verifySourceStamp as verifyStamp } from '../common/source-stamp.js';
import type { InboundPush } from '../contract.js';

export { safeEqual } from '../common/sorted-md5-sign.js';
export { DEFAULT_TOLERANCE_MS, ReplayGuard, STAMP_HEADERS, stampHeaders } from '../common/source-stamp.js';

/*
 * Two schemes live here.
 *
 * 1. TOP signing (the platform's own), used for every API call and for the TMC connect frame:
 *      sign = UPPER(hex(MD5(secret + k1 + v1 + k2 + v2 … + secret)))
 *    over every parameter except `sign` itself, sorted by key (byte order), empty values left out.
 *    The simulator checks it exactly like TOP, so a wrong secret gets TOP's error.
 *
 * 2. The source stamp (ours). TMC does not sign individual messages: authenticity comes from the
 *    signed connection (TOP checks app_key/sign/timestamp at connect) over TLS. But the gateway
 *    also exposes POST /webhooks/taobao/:shopId, and anything posted there must not pass as a
 *    TMC message. So the source stamps each message it received on its authenticated
 *    connection with HMAC-SHA256(shop secret, ts + "\n" + nonce + "\n" + body), and verify()
 *    checks the stamp, its age (±5 min by default) and that its nonce was not seen before.
 */

export const topSign = sortedMd5Sign;
export const verifyTopSign = verifySortedMd5Sign;

export function verifySourceStamp(push: InboundPush, secret: string, opts: Omit<StampCheckOptions, 'connection'> = {}): Result<void> {
  return verifyStamp(push, secret, { ...opts, connection: 'TMC connection' });
}
