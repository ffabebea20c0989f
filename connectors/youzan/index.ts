import type { ChannelConnector } from '../contract.js';
import { normalizeYouzan, YOUZAN_CHANNEL } from './normalize.js';
import { type YouzanPayload, youzanPayloadSchema } from './payload.js';
import { pullYouzanTrades } from './pull.js';
import { shipYouzanTrade } from './ship.js';
import { verifyYouzanPush } from './signature.js';
import { statusMap } from './status-map.js';
import { youzanStock } from './stock.js';
import { youzanUnfillable } from './unfillable.js';

/**
 * Youzan (有赞) trade pushes (HTTP POST JSON envelope with URL-encoded msg, header Event-Sign)
 * plus youzan.trades.sold.get for reconciliation. ShopConfig.secret is the app's client_secret;
 * credentials: clientId (required), kdtId (pull; optional shop check), accessToken (optional),
 * legacyBodySign ("true" to accept the old body `sign` when no Event-Sign header is sent),
 * stockTimeoutMs (optional, stock calls).
 */
export const youzan: ChannelConnector<YouzanPayload> = {
  channel: YOUZAN_CHANNEL,
  transport: 'webhook',
  payloadSchema: youzanPayloadSchema,
  statusMap,
  verify: (push, shop) => {
    const clientId = shop.credentials?.clientId;
    if (!clientId) return { ok: false, reason: `youzan shop ${shop.shopId}: credentials.clientId is not configured` };
    return verifyYouzanPush(push, { clientId, clientSecret: shop.secret, allowLegacyBodySign: shop.credentials?.legacyBodySign === 'true' });
  },
  normalize: normalizeYouzan,
  /** What Youzan expects back; anything else is retried. */
  ackBody: () => ({ code: 0, msg: 'success' }),
  pull: (shop, window) => pullYouzanTrades(shop, window),
  ship: (shop, notice) => shipYouzanTrade(shop, notice),
  stock: youzanStock,
  /** A paid trade the hub cannot fill: the seller's full refund, youzan.trade.refund.seller.active (README). */
  unfillable: youzanUnfillable,
};

export type { YouzanPayload } from './payload.js';
