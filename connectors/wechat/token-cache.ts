import { createHash } from 'node:crypto';
import type { ShopConfig } from '../contract.js';
import { tokenFor } from './pull.js';

/*
 * Stock sync calls WeChat far more often than pull or ship, and /cgi-bin/token has a small daily
 * quota (and each fetch may retire the previous token), so stock calls reuse one token per app for
 * an hour (WeChat issues them for 7200 s). A given credentials.accessToken is used as is.
 */
const TOKEN_TTL_MS = 60 * 60 * 1000;
const cache = new Map<string, { token: string; until: number }>();

function keyOf(shop: ShopConfig, endpoint: string): string {
  const secret = createHash('sha256')
    .update(shop.credentials?.appSecret ?? '')
    .digest('hex');
  return `${endpoint}|${shop.credentials?.appId ?? ''}|${secret}`;
}

export async function cachedToken(shop: ShopConfig, endpoint: string, now = Date.now()): Promise<string> {
  if (shop.credentials?.accessToken) return shop.credentials.accessToken;
  const key = keyOf(shop, endpoint);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.token;
  const token = await tokenFor(shop, endpoint);
  cache.set(key, { token, until: now + TOKEN_TTL_MS });
  return token;
}

/** After WeChat refused the token (40001/42001): the next call fetches a new one. */
export function forgetToken(shop: ShopConfig, endpoint: string): void {
  cache.delete(keyOf(shop, endpoint));
}
