import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Result } from '../../lib/result.js';
import { headerValue } from '../common/headers.js';
import type { InboundPush } from '../contract.js';

export { headerValue };

/*
 * Shopify signs every HTTPS webhook delivery:
 *   X-Shopify-Hmac-SHA256 = base64(HMAC-SHA256(raw body bytes, app client secret)).
 * Only the body is signed: no timestamp, no headers. Replays are therefore caught by dedupe
 * (X-Shopify-Webhook-Id at the gateway, deterministic event ids downstream), not here.
 */

export const HMAC_HEADER = 'X-Shopify-Hmac-SHA256';
export const SHOP_DOMAIN_HEADER = 'X-Shopify-Shop-Domain';

/** Used by the simulator and the tests; the connector itself only verifies. */
export function signShopifyBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('base64');
}

/**
 * The signature covers the body only, and one app secret serves every shop: a delivery captured
 * for shop A would verify for shop B too. So the shop Shopify names must be the shop in the URL.
 */
export function verifyShopDomain(push: InboundPush, shopId: string): Result<void> {
  const header = headerValue(push.headers, SHOP_DOMAIN_HEADER);
  if (!header.ok) return header;
  const domain = header.value?.trim().toLowerCase();
  if (!domain) return { ok: false, reason: `missing ${SHOP_DOMAIN_HEADER} header` };
  if (domain !== shopId.toLowerCase()) return { ok: false, reason: `${SHOP_DOMAIN_HEADER} "${domain}" is not this shop` };
  return { ok: true, value: undefined };
}

export function verifyShopifySignature(push: InboundPush, secret: string): Result<void> {
  const header = headerValue(push.headers, HMAC_HEADER);
  if (!header.ok) return header;
  const given = header.value?.trim();
  if (!given) return { ok: false, reason: `missing ${HMAC_HEADER} header` };

  // Compare the canonical base64 text byte for byte: Buffer.from(x, 'base64') silently skips
  // invalid characters, so decoding the header first would accept mangled signatures.
  const expected = Buffer.from(signShopifyBody(push.rawBody, secret), 'utf8');
  const actual = Buffer.from(given, 'utf8');
  // timingSafeEqual throws on unequal lengths; a wrong length is a mismatch, and the expected
  // length (always 44) is public, so checking it first leaks nothing.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: `${HMAC_HEADER} does not match the body` };
  }
  return { ok: true, value: undefined };
}
