import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { ShopConfig } from '../../connectors/contract.js';
import { ShopDirectory } from '../../connectors/gateway/shops.js';
import { CONNECTORS } from '../../connectors/registry.js';

/** Channels the platform pushes to over HTTP: the ones the load generator (and the fuzz test) drive. */
export const WEBHOOK_CHANNELS: readonly string[] = Object.values(CONNECTORS)
  .filter((c) => c.transport === 'webhook')
  .map((c) => c.channel)
  .sort();

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const digits = (n: number) => {
  let s = String(1 + (randomBytes(1)[0]! % 9));
  while (s.length < n) s += String(randomBytes(1)[0]! % 10);
  return s;
};

/**
 * One shop on `channel` with fresh random secrets and every credential its connector's verify()
 * needs (see connectors/<channel>/index.ts). `pushBase` is only used for Meituan, which signs the
 * callback URL registered with it (credentials.pushUrl); any fixed URL works as long as both sides
 * read it from the same shops file.
 */
export function freshShop(channel: string, index: number, pushBase = 'https://omnistream.example'): ShopConfig {
  const letter = String.fromCharCode(97 + (index % 26)) + (index >= 26 ? String(index) : '');
  const brand = `Loadgen Brand ${letter.toUpperCase()}`;
  switch (channel) {
    case 'shopify':
      // The Shopify connector checks X-Shopify-Shop-Domain against the shop id: use the domain.
      return { channel, shopId: `loadgen-${letter}.myshopify.com`, brand, secret: hex(24) };
    case 'douyin':
      return { channel, shopId: `dy-loadgen-${letter}`, brand, secret: hex(16), credentials: { appKey: digits(19), douyinShopId: digits(8) } };
    case 'youzan':
      return { channel, shopId: `yz-loadgen-${letter}`, brand, secret: hex(16), credentials: { clientId: hex(8), kdtId: digits(8) } };
    case 'kuaishou':
      // secret: the message secret (base64 AES key); sellerId makes verify() check the seller too.
      return {
        channel,
        shopId: `ks-loadgen-${letter}`,
        brand,
        secret: randomBytes(16).toString('base64'),
        credentials: { appKey: `ks${digits(18)}`, sellerId: digits(10) },
      };
    case 'wechat':
      // secret: the push Token; encodingAESKey: 43 base64 characters (32 bytes).
      return {
        channel,
        shopId: `wx-loadgen-${letter}`,
        brand,
        secret: hex(16),
        credentials: { encodingAESKey: randomBytes(32).toString('base64').slice(0, 43), appId: `wx${hex(8)}`, userName: `gh_${hex(6)}` },
      };
    case 'meituan': {
      const shopId = `mt-loadgen-${letter}`;
      return { channel, shopId, brand, secret: hex(16), credentials: { appId: digits(4), pushUrl: `${pushBase}/webhooks/meituan/${shopId}` } };
    }
    default:
      throw new Error(`loadgen: no shop template for channel "${channel}" (webhook channels: ${WEBHOOK_CHANNELS.join(', ')})`);
  }
}

/** Fresh shops for the given webhook channels, `perChannel` each. */
export function freshShops(channels: readonly string[] = WEBHOOK_CHANNELS, perChannel = 2, pushBase?: string): ShopConfig[] {
  const shops: ShopConfig[] = [];
  for (const channel of channels) for (let i = 0; i < perChannel; i++) shops.push(freshShop(channel, i, pushBase));
  // The gateway's own validation, so a file we write is one it accepts.
  ShopDirectory.fromEnv({ OMNISTREAM_SHOPS: JSON.stringify(shops) });
  return shops;
}

export function writeShopsFile(path: string, shops: ShopConfig[]): void {
  writeFileSync(path, `${JSON.stringify(shops, null, 2)}\n`, { mode: 0o600 });
}

/** Reads a shops file exactly as the gateway does (OMNISTREAM_SHOPS_FILE), with its validation. */
export function readShopsFile(path: string): ShopConfig[] {
  readFileSync(path); // a clear ENOENT before the gateway's message
  return ShopDirectory.fromEnv({ OMNISTREAM_SHOPS_FILE: path }).all();
}
