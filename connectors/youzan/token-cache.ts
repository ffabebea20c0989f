import { createHash } from 'node:crypto';
import type { ShopConfig } from '../contract.js';
import { youzanAccessToken } from './pull.js';

/*
 * Stock sync calls Youzan far more often than pull or ship: stock calls reuse one token per app and
 * shop for an hour instead of asking /auth/token before every call (Youzan's tokens last days).
 * A given credentials.accessToken is used as is.
 */
const TOKEN_TTL_MS = 60 * 60 * 1000;
const cache = new Map<string, { token: string; until: number }>();

function keyOf(shop: ShopConfig): string {
  const secret = createHash('sha256').update(shop.secret).digest('hex');
  return `${shop.endpoint ?? ''}|${shop.credentials?.clientId ?? ''}|${shop.credentials?.kdtId ?? ''}|${secret}`;
}

export async function cachedYouzanToken(shop: ShopConfig, now = Date.now()): Promise<string> {
  if (shop.credentials?.accessToken) return shop.credentials.accessToken;
  const key = keyOf(shop);
  const hit = cache.get(key);
  if (hit && hit.until > now) return hit.token;
  const token = await youzanAccessToken(shop);
  cache.set(key, { token, until: now + TOKEN_TTL_MS });
  return token;
}

/** After the gateway refused the token (4203): the next call fetches a new one. */
export function forgetYouzanToken(shop: ShopConfig): void {
  cache.delete(keyOf(shop));
}
