import type { ChannelConnector } from '../contract.js';
import { JD_CHANNEL, normalizeJdOrder } from './normalize.js';
import { type JdOrder, jdOrderSchema } from './payload.js';
import { pullJdOrders } from './pull.js';
import { shipJd } from './ship.js';
import { verifyPolledRecord } from './signature.js';
import { createJdSource } from './source.js';
import { statusMap } from './status-map.js';
import { jdStock } from './stock.js';
import { jdUnfillable } from './unfillable.js';

/**
 * JD POP orders, polled with jingdong.pop.order.enSearch by modification time. ShopConfig.secret
 * is the JOS app secret; credentials: appKey, accessToken, optional pollIntervalMs, lookbackMs.
 * verify() accepts only records sealed by this hub's own polling source. Optional credentials.stockTimeoutMs
 * bounds stock calls (stock.ts), credentials.unfillableTimeoutMs the 删单申请 call
 * (unfillable.ts). See README.md.
 */
export const jd: ChannelConnector<JdOrder> = {
  channel: JD_CHANNEL,
  transport: 'poll',
  payloadSchema: jdOrderSchema,
  statusMap,
  verify: (push, shop) => verifyPolledRecord(push, shop.secret),
  normalize: (order, shop, push) => [normalizeJdOrder(order, shop, push)],
  createSource: (shop, sink, log) => createJdSource(shop, sink, log),
  pull: (shop, window) => pullJdOrders(shop, window),
  ship: (shop, notice) => shipJd(shop, notice),
  stock: jdStock,
  unfillable: jdUnfillable,
};

export type { JdOrder } from './payload.js';
