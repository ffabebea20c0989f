import type { WechatOrder } from '../../connectors/wechat/payload.js';
import type { ListingStore } from '../kit/index.js';
import { makeWechatOrder } from './orders.js';

/** Simulated order ids: 19 digits, above 2^53 like WeChat's. */
let nextOrderId = 3_720_000_000_000_000_000n;
const SIM_UNIT_PRICE_FEN = 1990;

/** A buyer buys from a listing: only while it shows stock; the order is paid (20, 待发货) at once. */
export function sellListing(
  listings: ListingStore,
  orders: Map<string, WechatOrder>,
  sale: { itemId: string; skuId: string; quantity: number; outerSku?: string },
): string | null {
  if (!listings.sell(sale.itemId, sale.skuId, sale.quantity)) return null;
  const orderId = String(nextOrderId++);
  const now = Math.floor(Date.now() / 1000);
  const order = makeWechatOrder({
    orderId,
    status: 20,
    createTime: now,
    lines: [{ productId: sale.itemId, skuId: sale.skuId, outSkuId: sale.outerSku, count: sale.quantity, salePrice: SIM_UNIT_PRICE_FEN }],
  });
  orders.set(orderId, order);
  return orderId;
}
