import type { ChannelConnector, ShopConfig } from '../contract.js';
import { DOUYIN_CHANNEL, normalizeDouyin } from './normalize.js';
import { type DouyinPayload, douyinPayloadSchema } from './payload.js';
import { pullDouyinOrders } from './pull.js';
import { shipDouyin } from './ship.js';
import { verifyDouyinPush } from './signature.js';
import { statusMap } from './status-map.js';
import { douyinStock } from './stock.js';

function appKeyOf(shop: ShopConfig): string | undefined {
  return shop.credentials?.appKey;
}

/**
 * Douyin shop (抖店) message push (HTTP POST, JSON array of {tag, msg_id, data}) plus the
 * order.searchList query API for reconciliation. ShopConfig.secret is the app secret;
 * credentials: appKey (required), accessToken (pull, ship, stock), douyinShopId (optional shop check),
 * stockTimeoutMs (optional, stock.ts).
 */
export const douyin: ChannelConnector<DouyinPayload> = {
  channel: DOUYIN_CHANNEL,
  transport: 'webhook',
  payloadSchema: douyinPayloadSchema,
  statusMap,
  verify: (push, shop) => {
    const appKey = appKeyOf(shop);
    if (!appKey) return { ok: false, reason: `douyin shop ${shop.shopId}: credentials.appKey is not configured` };
    return verifyDouyinPush(push, appKey, shop.secret);
  },
  normalize: normalizeDouyin,
  /** The answer the message service expects (zsmhub/doudian-sdk SuccessResponse). */
  ackBody: () => ({ code: 0, msg: 'success' }),
  pull: (shop, window) => pullDouyinOrders(shop, window),
  ship: (shop, notice) => shipDouyin(shop, notice),
  stock: douyinStock,
};

export type { DouyinPayload } from './payload.js';
