import type { ListingStore } from '../kit/index.js';
import { type MeituanOrders, makeMeituanOrder } from './orders.js';

/** Simulated order ids: 17 digits, above 2^53 like Meituan's. */
let nextOrderId = 27_062_000_000_000_000n;
const SIM_UNIT_PRICE_YUAN = '12.5';

/**
 * A buyer buys from a listing: only while it shows stock; the order is paid and new (status 2).
 * Meituan's lines name the merchant's own codes (app_food_code, sku_id), which are the listing's ids,
 * so there is no separate merchant code to pass.
 */
export function sellListing(
  listings: ListingStore,
  orders: MeituanOrders,
  sale: { appPoiCode: string; itemId: string; skuId: string; quantity: number },
): string | null {
  if (!listings.sell(sale.itemId, sale.skuId, sale.quantity)) return null;
  const orderId = String(nextOrderId++);
  orders.upsert(
    makeMeituanOrder({
      orderId,
      appPoiCode: sale.appPoiCode,
      createdAt: new Date(),
      status: '2',
      lines: [{ app_food_code: sale.itemId, sku_id: sale.skuId, quantity: sale.quantity, price: SIM_UNIT_PRICE_YUAN }],
    }),
  );
  return orderId;
}
