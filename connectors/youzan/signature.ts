import { createHash } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { safeEqual } from '../../lib/safe-equal.js';
import { headerValue } from '../common/headers.js';
import type { InboundPush } from '../contract.js';

export { headerValue, safeEqual };

/*
 * Youzan push authenticity.
 *
 * Current (有赞云) scheme: header `Event-Sign` = lower-hex md5(client_id + RAW REQUEST BODY +
 * client_secret), header `Event-Type` = the message type. Sources: cuncle/youzanyun-push-demo
 * pushdemo.go ("MD5(client_id+entity+client_secret) ; 其中 entity 是从 RequestBody 读取的内容",
 * citing doc.youzanyun.com/resource/develop-guide/41355/41536), and a TypeScript integration
 * that verifies md5(clientId + JSON body + clientSecret) against the event-sign header.
 *
 * Legacy scheme (older push protocol): body field `sign` = md5(client_id + msg + client_secret),
 * msg being the URL-encoded string exactly as in the body (yuyan2077/youzanyunpay, several
 * entity classes). It signs msg only, not type/kdt_id, so it is accepted only when the shop opts
 * in (credentials.legacyBodySign = "true") and no Event-Sign header is present.
 *
 * Neither scheme signs a timestamp or nonce: replays are caught by dedupe (msg_id, eventId).
 */
export const EVENT_SIGN_HEADER = 'Event-Sign';
export const EVENT_TYPE_HEADER = 'Event-Type';

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

export function signYouzanBody(body: Buffer | string, clientId: string, clientSecret: string): string {
  return md5Hex(Buffer.concat([Buffer.from(clientId, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'), Buffer.from(clientSecret, 'utf8')]));
}

export function signYouzanMsg(msg: string, clientId: string, clientSecret: string): string {
  return md5Hex(`${clientId}${msg}${clientSecret}`);
}

export interface YouzanVerifyOptions {
  clientId: string;
  clientSecret: string;
  allowLegacyBodySign?: boolean;
}

export function verifyYouzanPush(push: InboundPush, opts: YouzanVerifyOptions): Result<void> {
  const header = headerValue(push.headers, EVENT_SIGN_HEADER);
  if (!header.ok) return header;
  const given = header.value?.trim().toLowerCase();
  if (given) {
    return safeEqual(given, signYouzanBody(push.rawBody, opts.clientId, opts.clientSecret))
      ? { ok: true, value: undefined }
      : { ok: false, reason: `${EVENT_SIGN_HEADER} does not match the body` };
  }
  if (!opts.allowLegacyBodySign) return { ok: false, reason: `missing ${EVENT_SIGN_HEADER} header` };

  let body: { client_id?: unknown; msg?: unknown; sign?: unknown };
  try {
    body = JSON.parse(push.rawBody.toString('utf8'));
  } catch {
    return { ok: false, reason: 'legacy body sign: body is not JSON' };
  }
  if (typeof body.msg !== 'string' || typeof body.sign !== 'string' || !body.sign) return { ok: false, reason: 'legacy body sign: missing msg or sign' };
  if (body.client_id !== opts.clientId) return { ok: false, reason: 'legacy body sign: client_id is not this app' };
  return safeEqual(body.sign.toLowerCase(), signYouzanMsg(body.msg, opts.clientId, opts.clientSecret))
    ? { ok: true, value: undefined }
    : { ok: false, reason: 'legacy body sign does not match msg' };
}
