import { createHash, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import type { InboundPush, ShopConfig } from '../contract.js';
import { aesKeyOf, decryptWechat } from './crypto.js';
import { quoteLongIntegers } from './json-ids.js';

/*
 * WeChat Channels shop (微信小店) message push, safe mode (encrypt_type=aes):
 *   POST {url}?signature=…&timestamp=…&nonce=…&openid=…&encrypt_type=aes&msg_signature=…
 *   body (JSON format): {"ToUserName":"gh_…","Encrypt":"<base64>"}
 *   signature     = sha1(sort([Token, timestamp, nonce]).join(''))
 *   msg_signature = sha1(sort([Token, timestamp, nonce, Encrypt]).join(''))
 * Only msg_signature covers the body, so it is required; `signature`, when present, must match too.
 * Plaintext mode is refused: its signature covers no part of the body, so any body could ride on a
 * captured query string. The XML body format is not supported (configure the push as JSON).
 *
 * Replays: timestamp must be within ±5 min (credentials.timestampToleranceSeconds). No nonce store:
 * verify() cannot know whether a delivery was stored, and a nonce cache would refuse WeChat's own
 * retry of a delivery we answered 503. Within the window a replay produces the same deterministic
 * event id and is stored once.
 *
 * ShopConfig.secret = the Token; credentials.encodingAESKey and credentials.appId are required.
 */

export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

export function sha1Sorted(parts: readonly string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

function sameHex(given: string, expected: string): boolean {
  const a = Buffer.from(given.toLowerCase(), 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

function toleranceOf(shop: ShopConfig): number {
  const raw = shop.credentials?.timestampToleranceSeconds;
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value * 1000 : DEFAULT_TOLERANCE_MS;
}

interface Envelope {
  ToUserName?: unknown;
  Encrypt?: unknown;
}

/** The JSON body WeChat posts. XML (the other configurable format) is refused with a reason. */
export function envelopeOf(push: InboundPush): Result<{ encrypt: string; toUserName: string | undefined }> {
  const text = push.rawBody.toString('utf8').trim();
  if (!text) return { ok: false, reason: 'empty WeChat push body' };
  if (text.startsWith('<')) {
    return { ok: false, reason: "XML push bodies are not supported: set the shop's message push data format to JSON" };
  }
  let envelope: Envelope;
  try {
    envelope = JSON.parse(text) as Envelope;
  } catch {
    return { ok: false, reason: 'WeChat push body is not JSON' };
  }
  if (typeof envelope !== 'object' || envelope === null || typeof envelope.Encrypt !== 'string' || !envelope.Encrypt) {
    return { ok: false, reason: 'WeChat push body has no Encrypt field (plaintext mode is not accepted)' };
  }
  return { ok: true, value: { encrypt: envelope.Encrypt, toUserName: typeof envelope.ToUserName === 'string' ? envelope.ToUserName : undefined } };
}

export function verifyWechatPush(push: InboundPush, shop: ShopConfig, now = Date.now()): Result<void> {
  const query = push.query ?? {};
  const { timestamp, nonce, msg_signature: msgSignature, signature } = query;
  if (query.encrypt_type !== 'aes') return { ok: false, reason: 'encrypt_type must be "aes" (safe mode)' };
  if (!timestamp || !nonce || !msgSignature) return { ok: false, reason: 'missing timestamp, nonce or msg_signature query parameter' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'timestamp is not epoch seconds' };
  const skew = Math.abs(now - Number(timestamp) * 1000);
  if (skew > toleranceOf(shop)) return { ok: false, reason: 'stale or future WeChat push timestamp' };

  const envelope = envelopeOf(push);
  if (!envelope.ok) return envelope;
  const token = shop.secret;
  if (!sameHex(msgSignature, sha1Sorted([token, timestamp, nonce, envelope.value.encrypt]))) {
    return { ok: false, reason: 'msg_signature does not match' };
  }
  if (signature !== undefined && !sameHex(signature, sha1Sorted([token, timestamp, nonce]))) {
    return { ok: false, reason: 'signature does not match' };
  }

  const opened = openEnvelope(envelope.value.encrypt, shop);
  if (!opened.ok) return opened;
  const expectedUser = shop.credentials?.userName;
  if (expectedUser && envelope.value.toUserName !== expectedUser) return { ok: false, reason: 'ToUserName is not this shop' };
  return { ok: true, value: undefined };
}

/** Decrypts and checks the trailing appid. */
export function openEnvelope(encrypt: string, shop: ShopConfig): Result<string> {
  const appId = shop.credentials?.appId;
  const aesKey = shop.credentials?.encodingAESKey;
  if (!appId || !aesKey) return { ok: false, reason: 'shop needs credentials.appId and credentials.encodingAESKey' };
  const key = aesKeyOf(aesKey);
  if (!key.ok) return key;
  const plain = decryptWechat(encrypt, key.value);
  if (!plain.ok) return plain;
  if (plain.value.appId !== appId) return { ok: false, reason: 'decrypted message is for another appid' };
  return { ok: true, value: plain.value.message };
}

/** decode(): the decrypted event JSON, with long integer ids turned into strings (see json-ids.ts). */
export function decodeWechatPush(push: InboundPush, shop: ShopConfig): Result<string> {
  const envelope = envelopeOf(push);
  if (!envelope.ok) return envelope;
  const opened = openEnvelope(envelope.value.encrypt, shop);
  if (!opened.ok) return opened;
  return { ok: true, value: quoteLongIntegers(opened.value) };
}
