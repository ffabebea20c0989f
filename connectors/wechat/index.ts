import type { ChannelConnector } from '../contract.js';
import { normalizeWechat, WECHAT_CHANNEL } from './normalize.js';
import { type WechatPayload, wechatPayloadSchema } from './payload.js';
import { pullWechatOrders } from './pull.js';
import { shipWechatOrder } from './ship.js';
import { decodeWechatPush, verifyWechatPush } from './signature.js';
import { statusMap } from './status-map.js';
import { wechatStock } from './stock.js';
import { wechatUnfillable } from './unfillable.js';

/**
 * WeChat Channels shop (微信小店 / 视频号小店) order events, HTTP callback in safe mode (AES) with a
 * JSON body. See README.md.
 *
 * ShopConfig.secret: the message push Token. ShopConfig.credentials: encodingAESKey and appId
 * (required), userName (the shop's gh_ id, optional check), appSecret or accessToken (for pull and ship),
 * timestampToleranceSeconds (optional), stockTimeoutMs (optional, stock calls).
 */
export const wechat: ChannelConnector<WechatPayload> = {
  channel: WECHAT_CHANNEL,
  transport: 'webhook',
  payloadSchema: wechatPayloadSchema,
  statusMap,
  verify: (push, shop) => verifyWechatPush(push, shop),
  decode: (push, shop) => decodeWechatPush(push, shop),
  normalize: (payload, shop, push) => normalizeWechat(payload, shop, push),
  // WeChat expects the plain text "success" (or an empty body); anything else counts as a failure.
  ackBody: () => 'success',
  pull: (shop, window) => pullWechatOrders(shop, window),
  ship: (shop, notice) => shipWechatOrder(shop, notice),
  stock: wechatStock,
  // A paid order the hub cannot fill: no seller cancellation exists; a refund after-sale opened for the buyer, reason 缺货 (README).
  unfillable: wechatUnfillable,
};

export type { WechatEvent, WechatOrder, WechatPayload } from './payload.js';
