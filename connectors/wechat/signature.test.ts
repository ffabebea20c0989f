import { describe, expect, it } from 'vitest';
import { toInboundPush, type WechatSecrets, wechatEventJson, wechatPush } from '../../simulators/wechat/index.js';
import type { ShopConfig } from '../contract.js';
import { aesKeyOf, decryptWechat, encryptWechat } from './crypto.js';
import { quoteLongIntegers } from './json-ids.js';
import { decodeWechatPush, sha1Sorted, verifyWechatPush } from './signature.js';

const secrets: WechatSecrets = {
  token: 'simToken2025',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  appId: 'wxsimappid000001',
  userName: 'gh_simshop0001',
};
const shop: ShopConfig = {
  channel: 'wechat',
  shopId: 'wx-flagship',
  brand: 'Omni',
  secret: secrets.token,
  credentials: { encodingAESKey: secrets.encodingAESKey, appId: secrets.appId, userName: 'gh_simshop0001' },
};
const NOW = 1_783_235_777_000;
const json = wechatEventJson({ event: 'channels_ec_order_pay', orderId: '3737552192816962560', createTime: 1_783_235_777, info: { pay_time: 1_783_235_777 } });
const delivery = (over: Partial<WechatSecrets> = {}, at = { timestamp: 1_783_235_777, nonce: '1849150504' }) =>
  toInboundPush(wechatPush(json, { ...secrets, ...over }, at), NOW);

describe('WeChat signatures', () => {
  it('msg_signature = sha1 of the sorted token, timestamp, nonce and Encrypt (published vector)', () => {
    expect(sha1Sorted(['token', '1714112445', '415670741', 'EncryptValue'])).toBe('03de89c50e642c93033dd7f4ef86a8356e80e345');
  });
});

describe('WeChat AES (WXBizMsgCrypt)', () => {
  const key = aesKeyOf(secrets.encodingAESKey);
  if (!key.ok) throw new Error(key.reason);
  // random(16) ‖ len ‖ msg ‖ appid, PKCS#7 to 32 bytes, encrypted with `openssl enc -aes-256-cbc -nopad`.
  const fromOpenssl =
    'Q3stYC6hdFzMh9T8HCvyDOCIQ1ZZsQ7Iy3FhqA1vE7xCIRt89f9dTKbpJDqRQBw3g12o1Pm0iq2u69c5N/ZlTvXcD/pnIa6o1A8hq8cwaXvvkdH6cqPo8yJDy9sHBq2hF0x+dVMwB0nF2j2W4UlJhaggMigfejCyU7ATrJSRv/Y=';
  const message = '{"Event":"channels_ec_order_pay","order_info":{"order_id":3705115058471208928}}';

  it('decrypts an independently produced ciphertext and reads the trailing appid', () => {
    expect(decryptWechat(fromOpenssl, key.value)).toEqual({ ok: true, value: { message, appId: 'wxsimappid000001' } });
  });

  it('encrypts byte-for-byte like that reference given the same 16 random bytes', () => {
    expect(encryptWechat(message, 'wxsimappid000001', key.value, Buffer.from('0123456789abcdef'))).toBe(fromOpenssl);
  });

  it('refuses keys that are not 43 base64 characters', () => {
    expect(aesKeyOf('short').ok).toBe(false);
  });
});

describe('verifyWechatPush', () => {
  it('accepts a genuine safe-mode push', () => {
    expect(verifyWechatPush(delivery(), shop, NOW)).toEqual({ ok: true, value: undefined });
  });

  it('rejects a push signed with another Token (forged)', () => {
    expect(verifyWechatPush(delivery({ token: 'attackerToken' }), shop, NOW)).toEqual({ ok: false, reason: 'msg_signature does not match' });
  });

  it('rejects a body swapped under a genuine query string', () => {
    const genuine = delivery();
    const other = toInboundPush(
      wechatPush(wechatEventJson({ event: 'channels_ec_order_cancel', orderId: '1', createTime: 1_783_235_777 }), secrets, {
        timestamp: 1_783_235_777,
        nonce: '1849150504',
      }),
      NOW,
    );
    expect(verifyWechatPush({ ...genuine, rawBody: other.rawBody }, shop, NOW)).toEqual({ ok: false, reason: 'msg_signature does not match' });
  });

  it('rejects a wrong plain signature even when msg_signature matches', () => {
    const push = delivery();
    expect(verifyWechatPush({ ...push, query: { ...push.query, signature: 'f'.repeat(40) } }, shop, NOW)).toEqual({
      ok: false,
      reason: 'signature does not match',
    });
  });

  it('rejects a stale or future timestamp (±5 min), configurable', () => {
    expect(verifyWechatPush(delivery(), shop, NOW + 5 * 60_000 + 1000)).toEqual({ ok: false, reason: 'stale or future WeChat push timestamp' });
    expect(verifyWechatPush(delivery(), shop, NOW - 5 * 60_000 - 1000).ok).toBe(false);
    expect(verifyWechatPush(delivery(), shop, NOW + 4 * 60_000).ok).toBe(true);
    const lax = { ...shop, credentials: { ...shop.credentials, timestampToleranceSeconds: '900' } };
    expect(verifyWechatPush(delivery(), lax, NOW + 10 * 60_000).ok).toBe(true);
  });

  it('rejects missing query parameters and plaintext mode', () => {
    const push = delivery();
    const { msg_signature: _m, ...noMsgSig } = push.query!;
    expect(verifyWechatPush({ ...push, query: noMsgSig }, shop, NOW)).toEqual({
      ok: false,
      reason: 'missing timestamp, nonce or msg_signature query parameter',
    });
    expect(verifyWechatPush({ ...push, query: undefined }, shop, NOW)).toEqual({ ok: false, reason: 'encrypt_type must be "aes" (safe mode)' });
    expect(verifyWechatPush({ ...push, query: { ...push.query, encrypt_type: 'raw' } }, shop, NOW).ok).toBe(false);
  });

  it('rejects a push encrypted for another appid or another shop account', () => {
    expect(verifyWechatPush(delivery({ appId: 'wxotherapp000002' }), shop, NOW)).toEqual({ ok: false, reason: 'decrypted message is for another appid' });
    expect(verifyWechatPush(delivery({ userName: 'gh_othershop' }), shop, NOW)).toEqual({ ok: false, reason: 'ToUserName is not this shop' });
  });

  it('rejects a push encrypted with another EncodingAESKey', () => {
    expect(verifyWechatPush(delivery({ encodingAESKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut' }), shop, NOW).ok).toBe(false);
  });

  it('explains that XML bodies are not supported', () => {
    const push = delivery();
    expect(verifyWechatPush({ ...push, rawBody: Buffer.from('<xml><Encrypt><![CDATA[x]]></Encrypt></xml>') }, shop, NOW)).toEqual({
      ok: false,
      reason: "XML push bodies are not supported: set the shop's message push data format to JSON",
    });
  });
});

describe('decodeWechatPush', () => {
  it('returns the event JSON with the order id kept to the last digit', () => {
    const decoded = decodeWechatPush(delivery(), shop);
    if (!decoded.ok) throw new Error(decoded.reason);
    const parsed = JSON.parse(decoded.value) as { order_info: { order_id: unknown; pay_time: unknown } };
    expect(parsed.order_info).toEqual({ order_id: '3737552192816962560', pay_time: 1_783_235_777 });
    expect(JSON.parse(json).order_info.order_id).toBe(3737552192816962600); // what plain JSON.parse would have done
  });
});

describe('quoteLongIntegers', () => {
  it.each([
    ['{"order_id":3737552192816962560}', '{"order_id":"3737552192816962560"}'],
    ['{"a":[1,-12,1.5e3,1234567890123456]}', '{"a":[1,-12,1.5e3,"1234567890123456"]}'],
    [
      '{"s":"digits 3737552192816962560 inside a string","t":"esc \\" 12345678901234567"}',
      '{"s":"digits 3737552192816962560 inside a string","t":"esc \\" 12345678901234567"}',
    ],
    ['{"CreateTime":1783235777,"price":1999}', '{"CreateTime":1783235777,"price":1999}'],
  ])('%s → %s', (input, output) => {
    expect(quoteLongIntegers(input)).toBe(output);
    expect(() => JSON.parse(quoteLongIntegers(input))).not.toThrow();
  });
});
