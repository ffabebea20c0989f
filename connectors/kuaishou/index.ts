import type { ChannelConnector } from '../contract.js';
import { KUAISHOU_CHANNEL, normalizeKuaishou } from './normalize.js';
import { type KuaishouPayload, kuaishouPayloadSchema } from './payload.js';
import { pullKuaishouOrders } from './pull.js';
import { shipKuaishouOrder } from './ship.js';
import { decryptPush, verifyKuaishouPush } from './signature.js';
import { statusMap } from './status-map.js';
import { kuaishouStock } from './stock.js';

/**
 * Kuaishou shop (快手小店) order messages, HTTP POST with an AES-encrypted body. See README.md.
 *
 * ShopConfig.secret: the app's message secret (消息密钥, base64), which encrypts pushes.
 * ShopConfig.credentials: appKey (required), sellerId (recommended), signSecret + accessToken
 * (for pull, ship and stock), stockTimeoutMs (optional, stock.ts), expressCodes (optional carrier-code overrides, carriers.ts),
 * pushMaxAgeSeconds / clockSkewSeconds (optional).
 */
export const kuaishou: ChannelConnector<KuaishouPayload> = {
  channel: KUAISHOU_CHANNEL,
  transport: 'webhook',
  payloadSchema: kuaishouPayloadSchema,
  statusMap,
  verify: (push, shop) => verifyKuaishouPush(push, shop),
  decode: (push, shop) => decryptPush(push, shop),
  normalize: (payload, shop, push) => normalizeKuaishou(payload, shop, push),
  // Kuaishou counts a delivery as received only on this body within 3000 ms; otherwise it retries.
  ackBody: () => ({ result: 1 }),
  pull: (shop, window) => pullKuaishouOrders(shop, window),
  ship: (shop, notice) => shipKuaishouOrder(shop, notice),
  stock: kuaishouStock,
};

export type { KuaishouMessage, KuaishouOrder, KuaishouPayload } from './payload.js';
