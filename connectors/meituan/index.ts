import type { ChannelConnector } from '../contract.js';
import { decodeMeituanPush } from './decode.js';
import { MEITUAN_CHANNEL, normalizeMeituanOrder } from './normalize.js';
import { meituanOrderSchema, type MeituanOrder } from './payload.js';
import { pullMeituanOrders } from './pull.js';
import { verifyMeituanPush } from './signature.js';
import { statusMap } from './status-map.js';

/**
 * Meituan Waimai order pushes (paid / confirmed orders: form fields signed with sig) and
 * day-sequence reconciliation. ShopConfig.secret is the app secret; credentials: appId, pushUrl
 * (the callback URL registered with Meituan, used in the signature), appPoiCode (for pull),
 * optional timestampToleranceSeconds and pullLookbackDays. See README.md.
 */
export const meituan: ChannelConnector<MeituanOrder> = {
  channel: MEITUAN_CHANNEL,
  transport: 'webhook',
  payloadSchema: meituanOrderSchema,
  statusMap,
  verify: (push, shop) => verifyMeituanPush(push, shop),
  decode: (push) => decodeMeituanPush(push),
  normalize: (order, shop, push) => [normalizeMeituanOrder(order, shop, push)],
  ackBody: () => ({ data: 'ok' }),
  pull: (shop, window) => pullMeituanOrders(shop, window),
};

export type { MeituanOrder } from './payload.js';
