import { describe, expect, it } from 'vitest';
import { kuaishouPush, makeKuaishouMessage, toInboundPush } from '../../simulators/kuaishou/index.js';
import type { ShopConfig } from '../contract.js';
import { decryptKuaishouBody, encryptKuaishouMessage, messageKeyOf } from './crypto.js';
import { DEFAULT_PUSH_MAX_AGE_MS, signingText, signKuaishouRequest, verifyKuaishouPush, verifyKuaishouRequest } from './signature.js';

// 16-byte key 00112233…eeff, as the console's base64 message secret.
const MESSAGE_SECRET = 'ABEiM0RVZneImaq7zN3u/w==';
const APP_KEY = 'ks699183844582124027';
const NOW = 1_773_750_950_000;
const shop: ShopConfig = {
  channel: 'kuaishou',
  shopId: 'ks-flagship',
  brand: 'Omni',
  secret: MESSAGE_SECRET,
  credentials: { appKey: APP_KEY, sellerId: '2161524184' },
};
const message = makeKuaishouMessage({
  event: 'kwaishop_order_paySuccess',
  appKey: APP_KEY,
  userId: 2161524184,
  createTime: NOW - 5_000,
  info: { oid: 2607602240240301, sellerId: 2161524184, status: 30, updateTime: NOW - 6_000 },
});
const delivery = (m: Record<string, unknown> = message, secret = MESSAGE_SECRET) => toInboundPush(kuaishouPush(m, secret), NOW);

describe('Kuaishou message encryption', () => {
  it('decrypts a ciphertext produced independently by `openssl enc -aes-128-cbc` with a zero IV', () => {
    // printf '{"appKey":…,"event":…}' | openssl enc -aes-128-cbc -K 00112233…eeff -iv 00…00 -base64 -A
    const fromOpenssl = 'UXlpgNlecRKV1wv3fn/oyjniEfKnq4uOQZBmt3G/LeAUBcU696SQRbiPkxhQ6/QKbKBhwhcQveh/B38ly7SYTqWUwOzg6zdns1pYu3uLcp8=';
    const key = messageKeyOf(MESSAGE_SECRET);
    if (!key.ok) throw new Error(key.reason);
    expect(decryptKuaishouBody(fromOpenssl, key.value)).toEqual({
      ok: true,
      value: '{"appKey":"ks699183844582124027","event":"kwaishop_order_paySuccess"}',
    });
    expect(encryptKuaishouMessage('{"appKey":"ks699183844582124027","event":"kwaishop_order_paySuccess"}', key.value)).toBe(fromOpenssl);
  });

  it('accepts 16, 24 and 32-byte message secrets and refuses others', () => {
    for (const bytes of [16, 24, 32]) expect(messageKeyOf(Buffer.alloc(bytes, 7).toString('base64')).ok).toBe(true);
    expect(messageKeyOf(Buffer.alloc(20).toString('base64'))).toEqual({
      ok: false,
      reason: 'the Kuaishou message secret decodes to 20 bytes, not an AES key (16/24/32)',
    });
    expect(messageKeyOf('not base64!').ok).toBe(false);
  });
});

describe('verifyKuaishouPush', () => {
  it("accepts a message encrypted with the shop's message secret for its app and seller", () => {
    expect(verifyKuaishouPush(delivery(), shop, NOW)).toEqual({ ok: true, value: undefined });
  });

  it('rejects a body encrypted with another secret (forged)', () => {
    const result = verifyKuaishouPush(delivery(message, Buffer.alloc(16, 9).toString('base64')), shop, NOW);
    expect(result.ok).toBe(false);
  });

  it('rejects a tampered ciphertext', () => {
    const push = delivery();
    const text = push.rawBody.toString('utf8');
    const tampered = text[10] === 'A' ? 'B' : 'A';
    const forged = { ...push, rawBody: Buffer.from(text.slice(0, 10) + tampered + text.slice(11)) };
    // CBC without a MAC: a flipped block usually breaks the padding or the JSON; either way refused.
    expect(verifyKuaishouPush(forged, shop, NOW).ok).toBe(false);
  });

  it('rejects a missing, empty or non-base64 body', () => {
    expect(verifyKuaishouPush({ ...delivery(), rawBody: Buffer.alloc(0) }, shop, NOW)).toEqual({ ok: false, reason: 'empty Kuaishou push body' });
    expect(verifyKuaishouPush({ ...delivery(), rawBody: Buffer.from('{"eventId":"x"}') }, shop, NOW)).toEqual({
      ok: false,
      reason: 'Kuaishou push body is not base64 ciphertext',
    });
  });

  it('rejects a message for another app', () => {
    const other = { ...message, appKey: 'ks000000000000000000' };
    expect(verifyKuaishouPush(delivery(other), shop, NOW)).toEqual({ ok: false, reason: "Kuaishou message appKey is not this shop's app" });
  });

  it('rejects a message for another seller of the same app (replayed to the wrong shop URL)', () => {
    const other = { ...message, userId: 99 };
    expect(verifyKuaishouPush(delivery(other), shop, NOW)).toEqual({ ok: false, reason: "Kuaishou message userId is not this shop's seller" });
  });

  it('refuses to verify when the shop has no appKey configured', () => {
    expect(verifyKuaishouPush(delivery(), { ...shop, credentials: {} }, NOW).ok).toBe(false);
  });

  it('accepts a retry 2 hours later but rejects a stale message beyond the retry window', () => {
    const twoHours = 2 * 60 * 60 * 1000;
    expect(verifyKuaishouPush(delivery(), shop, NOW + twoHours).ok).toBe(true);
    expect(verifyKuaishouPush(delivery(), shop, (message.createTime as number) + DEFAULT_PUSH_MAX_AGE_MS + 1)).toEqual({
      ok: false,
      reason: 'stale Kuaishou message (createTime beyond the retry window)',
    });
    const strict = { ...shop, credentials: { ...shop.credentials, pushMaxAgeSeconds: '60' } };
    expect(verifyKuaishouPush(delivery(), strict, NOW + 120_000).ok).toBe(false);
  });

  it('rejects a message from the future', () => {
    expect(verifyKuaishouPush(delivery(), shop, NOW - 10 * 60_000)).toEqual({ ok: false, reason: 'Kuaishou message createTime is in the future' });
  });
});

describe('Kuaishou API request signing', () => {
  const params = {
    access_token: 'token',
    appkey: 'ks123',
    method: 'open.seller.order.list',
    version: '1',
    param: '{"title":"短袖"}',
    timestamp: '1583271919000',
    signMethod: 'MD5',
  };

  it('signs the key-sorted k=v&… text plus &signSecret=, as the platform documents', () => {
    expect(signingText(params)).toBe(
      'access_token=token&appkey=ks123&method=open.seller.order.list&param={"title":"短袖"}&signMethod=MD5&timestamp=1583271919000&version=1',
    );
    // md5 of that text + "&signSecret=sign-secret" (computed independently with `md5sum`).
    expect(signKuaishouRequest(params, 'sign-secret')).toBe('6005da269b372ff10945e565ef37a4c6');
    expect(signKuaishouRequest({ ...params, sign: 'ignored' }, 'sign-secret')).toBe(signKuaishouRequest(params, 'sign-secret'));
  });

  it("HMAC_SHA256 is base64(HMAC(signSecret, text + &signSecret=…)), the PHP SDK test's input", () => {
    const hmacParams = { ...params, signMethod: 'HMAC_SHA256' };
    expect(signKuaishouRequest(hmacParams, 'sign-secret', 'HMAC_SHA256')).toBe('ZpPrG0oB1g/T93FyyVD+VCzRey41yqxZoCqcGg7upYM=');
  });

  it('verifies a signed request and refuses a wrong secret, a changed parameter or a missing sign', () => {
    const signed = { ...params, sign: signKuaishouRequest(params, 'sign-secret') };
    expect(verifyKuaishouRequest(signed, 'sign-secret').ok).toBe(true);
    expect(verifyKuaishouRequest(signed, 'other-secret')).toEqual({ ok: false, reason: 'sign mismatch' });
    expect(verifyKuaishouRequest({ ...signed, param: '{"title":"长袖"}' }, 'sign-secret').ok).toBe(false);
    expect(verifyKuaishouRequest(params, 'sign-secret')).toEqual({ ok: false, reason: 'missing sign' });
  });
});
