import type { ChannelConnector } from '../contract.js';
import { decodeMeituanPush } from './decode.js';
import { MEITUAN_CHANNEL, normalizeMeituanPush } from './normalize.js';
import { type MeituanPush, meituanPushSchema } from './payload.js';
import { pullMeituanOrders } from './pull.js';
import { shipMeituanOrder } from './ship.js';
import { verifyMeituanPush } from './signature.js';
import { channelStatusMap } from './status-map.js';
import { meituanStock } from './stock.js';
import { meituanUnfillable } from './unfillable.js';

/**
 * Meituan Waimai order pushes (paid / confirmed orders: form fields signed with sig), slim pushes
 * (cancellation, refund, refund result, delivery status → STATUS_ONLY events; push-kind.ts) and
 * day-sequence reconciliation. ShopConfig.secret is the app secret; credentials: appId, pushUrl
 * (the callback URL registered with Meituan, used in the signature), appPoiCode (for pull),
 * optional timestampToleranceSeconds and pullLookbackDays; for ship (自配送 stores): courierName,
 * courierPhone, storeLatitude, storeLongitude; for stock: appPoiCode, optional stockTimeoutMs. See README.md.
 */
export const meituan: ChannelConnector<MeituanPush> = {
  channel: MEITUAN_CHANNEL,
  transport: 'webhook',
  payloadSchema: meituanPushSchema,
  statusMap: channelStatusMap,
  verify: (push, shop) => verifyMeituanPush(push, shop),
  decode: (push) => decodeMeituanPush(push),
  normalize: (payload, shop, push) => [normalizeMeituanPush(payload, shop, push)],
  ackBody: () => ({ data: 'ok' }),
  pull: (shop, window) => pullMeituanOrders(shop, window),
  ship: (shop, notice) => shipMeituanOrder(shop, notice),
  stock: meituanStock,
  /** A paid order the hub cannot fill: the merchant's cancellation, order/cancel (README "Paid orders the hub cannot fill"). */
  unfillable: meituanUnfillable,
};

export type { MeituanOrder, MeituanPush } from './payload.js';
