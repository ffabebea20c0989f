import { describe, expect, it } from 'vitest';
import { makeShopifyOrder, shopifyPush, toInboundPush } from '../../simulators/shopify/index.js';
import type { InboundPush } from '../contract.js';
import { HMAC_HEADER, headerValue, signShopifyBody, verifyShopifySignature } from './signature.js';

const SECRET = 'shpss_test_client_secret';
const order = makeShopifyOrder({
  id: 5940139491234,
  lines: [{ sku: 'TEE-RED-M', quantity: 2, price: '19.99' }],
  createdAt: new Date('2025-03-01T15:04:05Z'),
});
const delivery = () => toInboundPush(shopifyPush(order, 'orders/create', SECRET, 'omni-test.myshopify.com'), 1);

function flipOneByte(buffer: Buffer, at: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe('signShopifyBody', () => {
  it('is base64(HMAC-SHA256(body, secret)), checked against the published HMAC-SHA256 test vector', () => {
    // Wikipedia's HMAC example: key "key", message below, hex f7bc83f4…3cd8.
    const signature = signShopifyBody('The quick brown fox jumps over the lazy dog', 'key');
    expect(Buffer.from(signature, 'base64').toString('hex')).toBe('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    expect(signature).toBe('97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg=');
  });

  it('signs a Buffer and the same string identically', () => {
    expect(signShopifyBody(Buffer.from('{"id":1}'), 's')).toBe(signShopifyBody('{"id":1}', 's'));
  });
});

describe('verifyShopifySignature', () => {
  it('accepts a delivery signed with the shop secret', () => {
    expect(verifyShopifySignature(delivery(), SECRET)).toEqual({ ok: true, value: undefined });
  });

  it('accepts the header whatever its name casing', () => {
    const push = shopifyPush(order, 'orders/create', SECRET, 'omni-test.myshopify.com');
    const asSent: InboundPush = { headers: push.headers, rawBody: Buffer.from(push.body), receivedAt: 1 };
    expect(verifyShopifySignature(asSent, SECRET).ok).toBe(true);
  });

  it('rejects a body with one byte changed', () => {
    const push = delivery();
    for (const at of [0, Math.floor(push.rawBody.length / 2), push.rawBody.length - 1]) {
      const forged = { ...push, rawBody: flipOneByte(push.rawBody, at) };
      expect(verifyShopifySignature(forged, SECRET)).toEqual({
        ok: false,
        reason: 'X-Shopify-Hmac-SHA256 does not match the body',
      });
    }
  });

  it('rejects a signature with one character changed', () => {
    const push = delivery();
    const signature = push.headers['x-shopify-hmac-sha256'] as string;
    const tampered = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    const result = verifyShopifySignature({ ...push, headers: { ...push.headers, 'x-shopify-hmac-sha256': tampered } }, SECRET);
    expect(result.ok).toBe(false);
  });

  it('rejects a delivery signed with another secret', () => {
    const push = toInboundPush(shopifyPush(order, 'orders/create', 'some-other-app-secret', 'omni-test.myshopify.com'), 1);
    expect(verifyShopifySignature(push, SECRET).ok).toBe(false);
  });

  it('fails with a clear reason when the header is missing', () => {
    const push = delivery();
    const { 'x-shopify-hmac-sha256': _dropped, ...headers } = push.headers;
    expect(verifyShopifySignature({ ...push, headers }, SECRET)).toEqual({
      ok: false,
      reason: 'missing X-Shopify-Hmac-SHA256 header',
    });
    expect(verifyShopifySignature({ ...push, headers: { ...headers, 'x-shopify-hmac-sha256': '' } }, SECRET)).toEqual({
      ok: false,
      reason: 'missing X-Shopify-Hmac-SHA256 header',
    });
  });

  it('rejects signatures of the wrong length without throwing', () => {
    const push = delivery();
    for (const bad of ['abc', 'x'.repeat(200), `${push.headers['x-shopify-hmac-sha256'] as string}==`]) {
      const result = verifyShopifySignature({ ...push, headers: { ...push.headers, 'x-shopify-hmac-sha256': bad } }, SECRET);
      expect(result.ok).toBe(false);
    }
  });

  it('rejects two signature headers instead of picking one', () => {
    const push = delivery();
    const good = push.headers['x-shopify-hmac-sha256'] as string;
    const result = verifyShopifySignature({ ...push, headers: { ...push.headers, 'x-shopify-hmac-sha256': [good, good] } }, SECRET);
    expect(result).toEqual({ ok: false, reason: `multiple ${HMAC_HEADER} headers` });
  });
});

describe('headerValue', () => {
  it('finds a header case-insensitively and unwraps a single-element array', () => {
    expect(headerValue({ 'X-Shopify-Topic': 'orders/paid' }, 'x-shopify-topic')).toEqual({ ok: true, value: 'orders/paid' });
    expect(headerValue({ 'x-shopify-topic': ['orders/paid'] }, 'X-Shopify-Topic')).toEqual({ ok: true, value: 'orders/paid' });
    expect(headerValue({}, 'X-Shopify-Topic')).toEqual({ ok: true, value: undefined });
  });
});
